using System.Globalization;
using System.Text.Json;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>Which license versions an export takes: one 证照标识, or every version of a type issued in a date range.</summary>
/// <remarks>Validated on construction; the range is inclusive at both ends and compares the 颁发日期 of each version.</remarks>
public sealed class ArchiveSelection
{
    private ArchiveSelection(LicenseId? licenseId, LicenseTypeCode? typeCode, DateOnly? issuedFrom, DateOnly? issuedTo)
    {
        LicenseId = licenseId;
        TypeCode = typeCode;
        IssuedFrom = issuedFrom;
        IssuedTo = issuedTo;
    }

    /// <summary>The one license version selected, or null for a type and range.</summary>
    public LicenseId? LicenseId { get; }

    /// <summary>The license type selected, or null for one license.</summary>
    public LicenseTypeCode? TypeCode { get; }

    /// <summary>First 颁发日期 selected (inclusive).</summary>
    public DateOnly? IssuedFrom { get; }

    /// <summary>Last 颁发日期 selected (inclusive).</summary>
    public DateOnly? IssuedTo { get; }

    /// <summary>Selects one license version.</summary>
    public static ArchiveSelection ForLicense(LicenseId licenseId) =>
        new(licenseId ?? throw new ArgumentNullException(nameof(licenseId)), null, null, null);

    /// <summary>Selects every version of <paramref name="typeCode"/> issued from <paramref name="issuedFrom"/> to <paramref name="issuedTo"/>, inclusive.</summary>
    /// <exception cref="RegistryException">The range is reversed.</exception>
    public static ArchiveSelection ForType(LicenseTypeCode typeCode, DateOnly issuedFrom, DateOnly issuedTo)
    {
        ArgumentNullException.ThrowIfNull(typeCode);
        return issuedTo < issuedFrom
            ? throw RegistryException.Validation("/issuedTo", $"issuedTo ({Text(issuedTo)}) is before issuedFrom ({Text(issuedFrom)})")
            : new ArchiveSelection(null, typeCode, issuedFrom, issuedTo);
    }

    /// <summary>Builds a selection from request fields, naming the field that is wrong.</summary>
    /// <exception cref="RegistryException">Neither or both forms given, or a field does not parse.</exception>
    public static ArchiveSelection From(string? licenseId, string? typeCode, string? issuedFrom, string? issuedTo)
    {
        var byType = typeCode is not null || issuedFrom is not null || issuedTo is not null;
        if (licenseId is not null)
        {
            if (byType)
            {
                throw RegistryException.Validation("/licenseId", "give either licenseId or typeCode with issuedFrom and issuedTo, not both");
            }

            return Identifiers.LicenseId.TryParse(licenseId, out var id, out var error)
                ? ForLicense(id)
                : throw RegistryException.Validation("/licenseId", error);
        }

        if (!byType)
        {
            throw RegistryException.Validation("/licenseId", "give licenseId, or typeCode with issuedFrom and issuedTo");
        }

        if (typeCode is null)
        {
            throw RegistryException.Validation("/typeCode", "typeCode is required with issuedFrom and issuedTo");
        }

        if (!LicenseTypeCode.TryParse(typeCode, out var type, out var typeError))
        {
            throw RegistryException.Validation("/typeCode", typeError);
        }

        return ForType(type, Date(issuedFrom, "issuedFrom"), Date(issuedTo, "issuedTo"));
    }

    /// <summary>The selection as stored with an export job.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, string?>
    {
        ["licenseId"] = LicenseId?.Value,
        ["typeCode"] = TypeCode?.Value,
        ["issuedFrom"] = IssuedFrom is { } from ? Text(from) : null,
        ["issuedTo"] = IssuedTo is { } to ? Text(to) : null,
    });

    /// <summary>Reads a selection stored by <see cref="ToJson"/>.</summary>
    public static ArchiveSelection FromJson(string json)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [];
        return From(fields.GetValueOrDefault("licenseId"), fields.GetValueOrDefault("typeCode"), fields.GetValueOrDefault("issuedFrom"), fields.GetValueOrDefault("issuedTo"));
    }

    /// <inheritdoc />
    public override string ToString() => LicenseId is not null
        ? LicenseId.Value
        : $"{TypeCode!.Value} {Text(IssuedFrom!.Value)}..{Text(IssuedTo!.Value)}";

    private static DateOnly Date(string? value, string field) =>
        value is null
            ? throw RegistryException.Validation("/" + field, $"{field} is required with typeCode")
            : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw RegistryException.Validation("/" + field, $"{field} must be a date like 2026-01-31");

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
