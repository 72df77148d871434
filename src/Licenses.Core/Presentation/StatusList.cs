using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Text.Json.Nodes;
using ElectronicLicense.Licenses.StatusLists;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>A published status list (<c>GET /api/v1/status-lists/{id}</c>): 2 bits per license version, gzip-compressed, signed.</summary>
/// <remarks>
/// A verifier downloads a whole list (≥ 131,072 entries) and looks up the index its payload names, so the registry never learns
/// which license was checked. Entry i is bits 2i and 2i+1 counted from the most significant bit of byte 0 (as in the W3C
/// Bitstring Status List), value <see cref="StatusListValue"/>.
/// </remarks>
public sealed class StatusList
{
    private const string TypeName = "elic-status-list";
    private readonly byte[] bits;

    private StatusList(uint id, int size, byte[] bits, DateTimeOffset issuedAt, TimeSpan ttl, SignedEnvelope.Opened envelope)
    {
        Id = id;
        Size = size;
        this.bits = bits;
        IssuedAt = issuedAt;
        Ttl = ttl;
        Envelope = envelope;
    }

    /// <summary>The list's id.</summary>
    public uint Id { get; }

    /// <summary>Number of entries.</summary>
    public int Size { get; }

    /// <summary>Bits per entry (2).</summary>
    public static int BitsPerEntry => StatusBits.BitsPerEntry;

    /// <summary>When the list was signed.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>How long the list may be cached after <see cref="IssuedAt"/>.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>The key id that signed the list (a payload key of the trust list).</summary>
    public string SignerKeyId => Envelope.KeyId;

    internal SignedEnvelope.Opened Envelope { get; }

    /// <summary>The value of entry <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the list.</exception>
    public StatusListValue this[uint index] => index < Size ? StatusBits.Get(bits, (int)index) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Whether the list's signature verifies with a payload key of <paramref name="trustList"/> that is not revoked.</summary>
    public bool VerifySignature(TrustList trustList)
    {
        ArgumentNullException.ThrowIfNull(trustList);
        var key = trustList.FindPayloadKey(Envelope.KeyId);
        return key is not null && key.Status != PresentationKeyStatus.Revoked && key.Algorithm == Envelope.Algorithm
            && key.Verify(Envelope.SignedBytes, Envelope.Signature);
    }

    /// <summary>Reads a status list document; false when it is not one (the signature is checked by <see cref="VerifySignature"/>).</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out StatusList? list)
    {
        list = null;
        if (!SignedEnvelope.TryOpen(json, out var envelope))
        {
            return false;
        }

        try
        {
            var content = envelope.Content;
            if ((string?)content["type"] != TypeName || (int?)content["bitsPerEntry"] != StatusBits.BitsPerEntry
                || (int?)content["size"] is not { } size || size <= 0 || size % 4 != 0
                || !SignedEnvelope.TryBase64Url((string?)content["bits"] ?? string.Empty, out var compressed))
            {
                return false;
            }

            var bits = new byte[size / 4];
            using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
            {
                gzip.ReadExactly(bits);
                if (gzip.ReadByte() != -1)
                {
                    return false;
                }
            }

            list = new StatusList((uint)content["id"]!, size, bits, TrustList.Instant((string)content["issuedAt"]!),
                TimeSpan.FromSeconds((int)content["ttlSeconds"]!), envelope);
            return true;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException or InvalidDataException or EndOfStreamException or ArgumentException)
        {
            return false;
        }
    }

    internal static JsonObject Create(int id, int size, byte[] bits, DateTimeOffset now, TimeSpan ttl, PresentationKey key, SigningKey signer)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bits);
        }

        var content = new JsonObject
        {
            ["type"] = TypeName,
            ["id"] = id,
            ["size"] = size,
            ["bitsPerEntry"] = StatusBits.BitsPerEntry,
            ["values"] = "0=valid 1=suspended 2=revoked 3=superseded",
            ["bits"] = OfflinePayload.Base64Url(buffer.ToArray()),
            ["issuedAt"] = TrustList.Format(now),
            ["ttlSeconds"] = (int)ttl.TotalSeconds,
        };
        return SignedEnvelope.Create(content, key, signer);
    }
}
