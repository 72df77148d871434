using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>The signed wrapper of the trust list and of status lists: <c>{"payload", "keyId", "algorithm", "signature"}</c>.</summary>
/// <remarks>
/// As in JWS (RFC 7515 §5.1), the signature is over the ASCII bytes of the <c>payload</c> member exactly as sent (base64url of
/// the UTF-8 JSON content), so nobody has to re-serialise JSON to check it: <c>openssl dgst -sha256 -verify key.pem
/// -signature sig.der payload.txt</c>. Unlike JWS the signature is DER <c>SEQUENCE{r, s}</c> and SM2 is allowed.
/// </remarks>
internal static class SignedEnvelope
{
    public static string AlgorithmName(PayloadAlgorithm algorithm) => algorithm == PayloadAlgorithm.Sm2Sm3 ? "SM2-SM3" : "ES256";

    public static bool TryAlgorithm(string? name, out PayloadAlgorithm algorithm)
    {
        algorithm = name switch { "ES256" => PayloadAlgorithm.EcdsaP256Sha256, "SM2-SM3" => PayloadAlgorithm.Sm2Sm3, _ => 0 };
        return algorithm != 0;
    }

    public static JsonObject Create(JsonObject content, PresentationKey key, SigningKey signer)
    {
        var payload = OfflinePayload.Base64Url(Encoding.UTF8.GetBytes(content.ToJsonString()));
        return new JsonObject
        {
            ["payload"] = payload,
            ["keyId"] = key.KeyId,
            ["algorithm"] = AlgorithmName(key.Algorithm),
            ["signature"] = OfflinePayload.Base64Url(signer.Sign(Encoding.ASCII.GetBytes(payload))),
        };
    }

    public static bool TryOpen(string json, [NotNullWhen(true)] out Opened? opened)
    {
        opened = null;
        try
        {
            if (JsonNode.Parse(json) is not JsonObject envelope
                || envelope["payload"]?.GetValue<string>() is not { } payload
                || envelope["keyId"]?.GetValue<string>() is not { } keyId
                || !TryAlgorithm(envelope["algorithm"]?.GetValue<string>(), out var algorithm)
                || envelope["signature"]?.GetValue<string>() is not { } signature
                || !TryBase64Url(payload, out var contentBytes)
                || !TryBase64Url(signature, out var signatureBytes)
                || JsonNode.Parse(contentBytes) is not JsonObject content)
            {
                return false;
            }

            opened = new Opened(content, keyId, algorithm, Encoding.ASCII.GetBytes(payload), signatureBytes);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    public static bool TryBase64Url(string text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Contains('=', StringComparison.Ordinal) || text.Contains('+', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        var standard = text.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        var buffer = new byte[standard.Length];
        if (!Convert.TryFromBase64String(standard, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }

    public sealed record Opened(JsonObject Content, string KeyId, PayloadAlgorithm Algorithm, byte[] SignedBytes, byte[] Signature);
}
