// TEMPORARY: replaced by the real identifier types before merge.
using System.Diagnostics.CodeAnalysis;
namespace ElectronicLicense.Licenses.Identifiers;
#pragma warning disable CS1591
public sealed class CitizenId : IEquatable<CitizenId>
{
    private CitizenId(string v) { Value = v; }
    public string Value { get; }
    public string Masked => Value[..4] + new string('*', 10) + Value[^4..];
    public DateOnly BirthDate => DateOnly.ParseExact(Value.Substring(6, 8), "yyyyMMdd");
    public static CitizenId Parse(string value) => TryParse(value, out var id, out var e) ? id : throw new FormatException(e);
    public static bool TryParse(string? value, [NotNullWhen(true)] out CitizenId? id, [NotNullWhen(false)] out string? error) => TryParse(value, TimeProvider.System, out id, out error);
    public static bool TryParse(string? value, TimeProvider clock, [NotNullWhen(true)] out CitizenId? id, [NotNullWhen(false)] out string? error)
    { id = null; error = null; if (value is null || value.Length != 18) { error = "公民身份号码 must be 18 characters"; return false; } id = new CitizenId(value.ToUpperInvariant()); return true; }
    public static CitizenId Create(string first17) => new(first17 + "X");
    public bool Equals(CitizenId? other) => other is not null && other.Value == Value;
    public override bool Equals(object? obj) => Equals(obj as CitizenId);
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Value;
    public static bool operator ==(CitizenId? a, CitizenId? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(CitizenId? a, CitizenId? b) => !(a == b);
}
public sealed class UsccAllowList
{
    private readonly HashSet<string> codes;
    public static UsccAllowList Empty { get; } = new([]);
    public UsccAllowList(IEnumerable<string> codes) { this.codes = new(codes.Select(c => c.ToUpperInvariant())); }
    public bool Contains(string code) => codes.Contains(code);
    public int Count => codes.Count;
}
public sealed class UnifiedSocialCreditCode : IEquatable<UnifiedSocialCreditCode>
{
    private UnifiedSocialCreditCode(string v) { Value = v; }
    public string Value { get; }
    public bool IsCheckCharacterValid => true;
    public static UnifiedSocialCreditCode Parse(string value) => TryParse(value, out var id, out var e) ? id : throw new FormatException(e);
    public static bool TryParse(string? value, [NotNullWhen(true)] out UnifiedSocialCreditCode? code, [NotNullWhen(false)] out string? error) => TryParse(value, UsccAllowList.Empty, out code, out error);
    public static bool TryParse(string? value, UsccAllowList allowList, [NotNullWhen(true)] out UnifiedSocialCreditCode? code, [NotNullWhen(false)] out string? error)
    { code = null; error = null; if (value is null || value.Length != 18) { error = "统一社会信用代码 must be 18 characters"; return false; } code = new(value.ToUpperInvariant()); return true; }
    public static UnifiedSocialCreditCode Create(string first17) => new(first17 + "0");
    public bool Equals(UnifiedSocialCreditCode? other) => other is not null && other.Value == Value;
    public override bool Equals(object? obj) => Equals(obj as UnifiedSocialCreditCode);
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Value;
    public static bool operator ==(UnifiedSocialCreditCode? a, UnifiedSocialCreditCode? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(UnifiedSocialCreditCode? a, UnifiedSocialCreditCode? b) => !(a == b);
}
public sealed class LicenseTypeCode : IEquatable<LicenseTypeCode>
{
    private LicenseTypeCode(string v) { Value = v; Authority = UnifiedSocialCreditCode.Parse(v[..18]); Sequence = int.Parse(v[18..]); }
    public string Value { get; }
    public UnifiedSocialCreditCode Authority { get; }
    public int Sequence { get; }
    public static LicenseTypeCode Parse(string value) => TryParse(value, out var id, out var e) ? id : throw new FormatException(e);
    public static bool TryParse(string? value, [NotNullWhen(true)] out LicenseTypeCode? code, [NotNullWhen(false)] out string? error)
    { code = null; error = null; if (value is null || value.Length != 21) { error = "证照类型代码 must be 21 characters"; return false; } code = new(value.ToUpperInvariant()); return true; }
    public bool Equals(LicenseTypeCode? other) => other is not null && other.Value == Value;
    public override bool Equals(object? obj) => Equals(obj as LicenseTypeCode);
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Value;
    public static bool operator ==(LicenseTypeCode? a, LicenseTypeCode? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(LicenseTypeCode? a, LicenseTypeCode? b) => !(a == b);
}
public sealed class LicenseId : IEquatable<LicenseId>
{
    public const string Prefix = "1.2.156.3005.2";
    private LicenseId(LicenseTypeCode t, UnifiedSocialCreditCode i, string s, int v) { TypeCode = t; Issuer = i; Serial = s; Version = v; Value = $"{Prefix}.{t}.{i}.{s}.{v:000}.0"; }
    public string Value { get; }
    public LicenseTypeCode TypeCode { get; }
    public UnifiedSocialCreditCode Issuer { get; }
    public string Serial { get; }
    public int Version { get; }
    public string SeriesKey => $"{Prefix}.{TypeCode}.{Issuer}.{Serial}";
    public static LicenseId Create(LicenseTypeCode type, UnifiedSocialCreditCode issuer, string serial, int version) => new(type, issuer, serial, version);
    public LicenseId WithVersion(int version) => new(TypeCode, Issuer, Serial, version);
    public static LicenseId Parse(string value) => TryParse(value, out var id, out var e) ? id : throw new FormatException(e);
    public static bool TryParse(string? value, [NotNullWhen(true)] out LicenseId? id, [NotNullWhen(false)] out string? error)
    {
        id = null; error = "证照标识 is malformed";
        if (value is null || !value.StartsWith(Prefix + ".", StringComparison.Ordinal)) return false;
        var p = value[(Prefix.Length + 1)..].Split('.');
        if (p.Length != 5) return false;
        id = new(LicenseTypeCode.Parse(p[0]), UnifiedSocialCreditCode.Parse(p[1]), p[2], int.Parse(p[3])); error = null; return true;
    }
    public bool Equals(LicenseId? other) => other is not null && other.Value == Value;
    public override bool Equals(object? obj) => Equals(obj as LicenseId);
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Value;
    public static bool operator ==(LicenseId? a, LicenseId? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(LicenseId? a, LicenseId? b) => !(a == b);
}
