using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using ElectronicLicense.Licenses.StatusLists;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>The signed compact payload printed as the QR code of a registry-issued license (offline 核验, "扫码亮证" without network).</summary>
/// <remarks>
/// <para>Text form: <c>ELIC1:</c> followed by the Base45 (RFC 9285) encoding of <c>body ‖ signature</c>. Every character is in
/// the QR alphanumeric set, so a QR code stores it at 5.5 bits a character.</para>
/// <para>The body, all integers big-endian, strings as one length byte then UTF-8:</para>
/// <code>
/// version        u8     1
/// algorithm      u8     1 = ECDSA P-256 with SHA-256, 2 = SM2 with SM3 (user id 1234567812345678)
/// keyId          8 B    first 8 bytes of SHA-256 of the signing key's SubjectPublicKeyInfo (its trust-list id, base64url)
/// licenseId      str    证照标识 of the version
/// contentSha256  32 B   the version's content hash: SHA-256 of the canonical license data (metadata and 照面, keys sorted,
///                       no whitespace, without the issuer's display name), the registry's ContentSha256 — not the file hash
/// typeCode       str    证照类型代码
/// issuerCode     str    颁发机构 统一社会信用代码
/// validFrom      u32    DateOnly.DayNumber (days since 0001-01-01)
/// validUntil     u32    DateOnly.DayNumber, 0 = 长期
/// status         u8     status when the payload was signed (StatusListValue)
/// issuedAt       i64    Unix seconds when the payload was signed
/// expiresAt      i64    Unix seconds after which the payload is not to be accepted
/// statusList     u32    id of the status list holding this version
/// statusIndex    u32    the version's index in that list
/// </code>
/// <para>The signature (DER <c>SEQUENCE{r, s}</c>) is over the body bytes exactly and runs to the end of the data.</para>
/// </remarks>
public sealed class OfflinePayload
{
    /// <summary>The text prefix naming the format and its version.</summary>
    public const string Prefix = "ELIC1:";

    /// <summary>The most bytes the text form may have, so it fits a QR code at error-correction level Q with room to spare.</summary>
    public const int MaxTextLength = 1024;

    private const byte FormatVersion = 1;
    private const int KeyIdLength = 8;

    private readonly byte[] body;
    private readonly byte[] signature;

    private OfflinePayload(OfflinePayloadFields fields, byte[] body, byte[] signature)
    {
        Fields = fields;
        this.body = body;
        this.signature = signature;
        Text = Prefix + Base45.Encode([.. body, .. signature]);
    }

    /// <summary>What the payload states.</summary>
    public OfflinePayloadFields Fields { get; }

    /// <summary>The exact bytes the signature covers.</summary>
    public ReadOnlySpan<byte> SignedBytes => body;

    /// <summary>The DER signature.</summary>
    public ReadOnlySpan<byte> Signature => signature;

    /// <summary>The text form, as printed in the QR code.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Reads a payload from its text form; false when it is not one (the signature is not checked here).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out OfflinePayload? payload)
    {
        payload = null;
        if (text is null || text.Length > MaxTextLength || !text.StartsWith(Prefix, StringComparison.Ordinal)
            || !Base45.TryDecode(text.AsSpan(Prefix.Length), out var bytes))
        {
            return false;
        }

        var reader = new Reader(bytes);
        if (!reader.TryByte(out var version) || version != FormatVersion
            || !reader.TryByte(out var algorithm) || algorithm is not (1 or 2)
            || !reader.TryBytes(KeyIdLength, out var keyId)
            || !reader.TryString(out var licenseId)
            || !reader.TryBytes(32, out var content)
            || !reader.TryString(out var typeCode)
            || !reader.TryString(out var issuerCode)
            || !reader.TryUInt32(out var validFrom)
            || !reader.TryUInt32(out var validUntil)
            || !reader.TryByte(out var status) || status > 3
            || !reader.TryInt64(out var issuedAt)
            || !reader.TryInt64(out var expiresAt)
            || !reader.TryUInt32(out var statusList)
            || !reader.TryUInt32(out var statusIndex)
            || validFrom is 0 or > 3652058 || validUntil > 3652058
            || issuedAt is < 0 or > 253402300799 || expiresAt is < 0 or > 253402300799)
        {
            return false;
        }

        var signature = bytes[reader.Position..];
        if (signature.Length is < 8 or > 80 || signature[0] != 0x30 || signature[1] != signature.Length - 2)
        {
            return false;
        }

        var fields = new OfflinePayloadFields
        {
            Algorithm = algorithm == 1 ? PayloadAlgorithm.EcdsaP256Sha256 : PayloadAlgorithm.Sm2Sm3,
            KeyId = Base64Url(keyId),
            LicenseId = licenseId,
            ContentSha256 = Convert.ToHexStringLower(content),
            TypeCode = typeCode,
            IssuerCode = issuerCode,
            ValidFrom = DateOnly.FromDayNumber((int)validFrom),
            ValidUntil = validUntil == 0 ? null : DateOnly.FromDayNumber((int)validUntil),
            Status = (StatusListValue)status,
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(issuedAt),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt),
            StatusListId = statusList,
            StatusIndex = statusIndex,
        };
        payload = new OfflinePayload(fields, bytes[..reader.Position], signature);
        return true;
    }

    /// <summary>Encodes <paramref name="fields"/> and signs the body with <paramref name="sign"/>.</summary>
    internal static OfflinePayload Create(OfflinePayloadFields fields, Func<byte[], byte[]> sign)
    {
        var body = EncodeBody(fields);
        var payload = new OfflinePayload(fields, body, sign(body));
        if (payload.Text.Length > MaxTextLength)
        {
            throw new InvalidOperationException($"The offline payload is {payload.Text.Length} characters, more than {MaxTextLength}.");
        }

        return payload;
    }

    internal static byte[] EncodeBody(OfflinePayloadFields fields)
    {
        var buffer = new List<byte>(192) { FormatVersion, fields.Algorithm == PayloadAlgorithm.EcdsaP256Sha256 ? (byte)1 : (byte)2 };
        var keyId = Convert.FromBase64String(Pad(fields.KeyId.Replace('-', '+').Replace('_', '/')));
        if (keyId.Length != KeyIdLength)
        {
            throw new ArgumentException("A key id is 8 bytes in base64url.", nameof(fields));
        }

        buffer.AddRange(keyId);
        AddString(buffer, fields.LicenseId);
        var content = Convert.FromHexString(fields.ContentSha256);
        if (content.Length != 32)
        {
            throw new ArgumentException("ContentSha256 is 32 bytes in hex.", nameof(fields));
        }

        buffer.AddRange(content);
        AddString(buffer, fields.TypeCode);
        AddString(buffer, fields.IssuerCode);
        AddUInt32(buffer, (uint)fields.ValidFrom.DayNumber);
        AddUInt32(buffer, fields.ValidUntil is { } until ? (uint)until.DayNumber : 0);
        buffer.Add((byte)fields.Status);
        AddInt64(buffer, fields.IssuedAt.ToUnixTimeSeconds());
        AddInt64(buffer, fields.ExpiresAt.ToUnixTimeSeconds());
        AddUInt32(buffer, fields.StatusListId);
        AddUInt32(buffer, fields.StatusIndex);
        return [.. buffer];
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string s) => s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');

    private static void AddString(List<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > 255)
        {
            throw new ArgumentException("Payload strings are at most 255 UTF-8 bytes.", nameof(value));
        }

        buffer.Add((byte)bytes.Length);
        buffer.AddRange(bytes);
    }

    private static void AddUInt32(List<byte> buffer, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    private static void AddInt64(List<byte> buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;

        public int Position { get; private set; }

        public bool TryByte(out byte value)
        {
            value = Position < data.Length ? data[Position] : (byte)0;
            return Position++ < data.Length;
        }

        public bool TryBytes(int count, out byte[] value)
        {
            value = [];
            if (data.Length - Position < count)
            {
                return false;
            }

            value = data.Slice(Position, count).ToArray();
            Position += count;
            return true;
        }

        public bool TryString([NotNullWhen(true)] out string? value)
        {
            value = null;
            if (!TryByte(out var length) || !TryBytes(length, out var bytes))
            {
                return false;
            }

            try
            {
                value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        public bool TryUInt32(out uint value)
        {
            value = 0;
            if (!TryBytes(4, out var bytes))
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            return true;
        }

        public bool TryInt64(out long value)
        {
            value = 0;
            if (!TryBytes(8, out var bytes))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64BigEndian(bytes);
            return true;
        }
    }
}

/// <summary>The algorithm of a registry presentation key.</summary>
public enum PayloadAlgorithm
{
    /// <summary>ECDSA on P-256 with SHA-256 (the default).</summary>
    EcdsaP256Sha256 = 1,

    /// <summary>SM2 with SM3 (GB/T 32918), user id 1234567812345678.</summary>
    Sm2Sm3 = 2,
}

/// <summary>What an offline payload states about a license version.</summary>
public sealed record OfflinePayloadFields
{
    /// <summary>The signing algorithm.</summary>
    public required PayloadAlgorithm Algorithm { get; init; }

    /// <summary>The signing key's id in the trust list (base64url of 8 bytes).</summary>
    public required string KeyId { get; init; }

    /// <summary>证照标识 of the version.</summary>
    public required string LicenseId { get; init; }

    /// <summary>The version's content hash (lower-case hex SHA-256 of its canonical data).</summary>
    public required string ContentSha256 { get; init; }

    /// <summary>证照类型代码.</summary>
    public required string TypeCode { get; init; }

    /// <summary>The issuing department's 统一社会信用代码.</summary>
    public required string IssuerCode { get; init; }

    /// <summary>First day of validity.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last day of validity; null for 长期.</summary>
    public DateOnly? ValidUntil { get; init; }

    /// <summary>The status when the payload was signed.</summary>
    public required StatusListValue Status { get; init; }

    /// <summary>When the payload was signed (whole seconds).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>After this instant the payload is not accepted (whole seconds).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The status list that holds this version.</summary>
    public required uint StatusListId { get; init; }

    /// <summary>The version's index in that list.</summary>
    public required uint StatusIndex { get; init; }
}
