using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>The registry's published keys (<c>GET /api/v1/trust-list</c>), signed by its trust-list key.</summary>
/// <remarks>
/// Old payload keys stay listed after rotation (status retired) so licenses printed earlier still verify offline. A verifier
/// pins the trust-list key by its key id (obtained out of band) and refreshes the list after <see cref="NextUpdate"/>.
/// </remarks>
public sealed class TrustList
{
    private const string TypeName = "elic-trust-list";

    private TrustList(string issuer, DateTimeOffset issuedAt, DateTimeOffset nextUpdate, IReadOnlyList<PresentationKey> keys, SignedEnvelope.Opened envelope)
    {
        Issuer = issuer;
        IssuedAt = issuedAt;
        NextUpdate = nextUpdate;
        Keys = keys;
        Envelope = envelope;
    }

    /// <summary>Who publishes the list.</summary>
    public string Issuer { get; }

    /// <summary>When the list was signed.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>When a fresh list should be fetched.</summary>
    public DateTimeOffset NextUpdate { get; }

    /// <summary>The keys, payload keys oldest first, then the trust-list key.</summary>
    public IReadOnlyList<PresentationKey> Keys { get; }

    /// <summary>The key id the list says signed it.</summary>
    public string SignerKeyId => Envelope.KeyId;

    internal SignedEnvelope.Opened Envelope { get; }

    /// <summary>The payload key with this id, or null.</summary>
    public PresentationKey? FindPayloadKey(string keyId) => Keys.FirstOrDefault(k => k.KeyId == keyId && k.Use == PresentationKeyUse.Payload);

    /// <summary>Whether the list's signature verifies with the trust-list key it names and, when <paramref name="pinnedKeyId"/> is given, that key is the pinned one.</summary>
    public bool VerifySignature(string? pinnedKeyId = null)
    {
        var signer = Keys.FirstOrDefault(k => k.KeyId == Envelope.KeyId && k.Use == PresentationKeyUse.TrustList);
        return signer is not null
            && signer.Algorithm == Envelope.Algorithm
            && (pinnedKeyId is null || pinnedKeyId == signer.KeyId)
            && signer.Verify(Envelope.SignedBytes, Envelope.Signature);
    }

    /// <summary>Reads a trust list document; false when it is not one (the signature is checked by <see cref="VerifySignature"/>).</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out TrustList? trustList)
    {
        trustList = null;
        if (!SignedEnvelope.TryOpen(json, out var envelope))
        {
            return false;
        }

        try
        {
            var content = envelope.Content;
            if ((string?)content["type"] != TypeName || (int?)content["version"] != 1 || content["keys"] is not JsonArray array)
            {
                return false;
            }

            var keys = new List<PresentationKey>();
            foreach (var node in array)
            {
                if (node is not JsonObject key
                    || !SignedEnvelope.TryAlgorithm((string?)key["algorithm"], out var algorithm)
                    || !Enum.TryParse<PresentationKeyUse>((string?)key["use"], ignoreCase: true, out var use)
                    || !Enum.TryParse<PresentationKeyStatus>((string?)key["status"], ignoreCase: true, out var status))
                {
                    return false;
                }

                keys.Add(new PresentationKey
                {
                    KeyId = (string)key["keyId"]!,
                    Algorithm = algorithm,
                    Use = use,
                    Status = status,
                    SubjectPublicKeyInfo = Convert.FromBase64String((string)key["publicKey"]!),
                    Certificate = Convert.FromBase64String((string)key["certificate"]!),
                    NotBefore = Instant((string)key["notBefore"]!),
                    NotAfter = Instant((string)key["notAfter"]!),
                });
            }

            trustList = new TrustList((string)content["issuer"]!, Instant((string)content["issuedAt"]!), Instant((string)content["nextUpdate"]!), keys, envelope);
            return true;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException or ArgumentException)
        {
            return false;
        }
    }

    internal static JsonObject Create(IReadOnlyList<PresentationKey> keys, PresentationKey signerKey, SigningKey signer, DateTimeOffset now, TimeSpan ttl)
    {
        var content = new JsonObject
        {
            ["type"] = TypeName,
            ["version"] = 1,
            ["issuer"] = "电子证照登记系统",
            ["issuedAt"] = Format(now),
            ["nextUpdate"] = Format(now + ttl),
            ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)new JsonObject
            {
                ["keyId"] = k.KeyId,
                ["algorithm"] = SignedEnvelope.AlgorithmName(k.Algorithm),
                ["use"] = k.Use == PresentationKeyUse.TrustList ? "trustList" : "payload",
                ["status"] = k.Status.ToString().ToLowerInvariant(),
                ["notBefore"] = Format(k.NotBefore),
                ["notAfter"] = Format(k.NotAfter),
                ["publicKey"] = Convert.ToBase64String(k.SubjectPublicKeyInfo),
                ["certificate"] = Convert.ToBase64String(k.Certificate),
            })]),
        };
        return SignedEnvelope.Create(content, signerKey, signer);
    }

    internal static string Format(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Instant(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
