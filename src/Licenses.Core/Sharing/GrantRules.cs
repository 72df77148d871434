using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>The rules a grant must satisfy: checked once when the holder creates it, and on every use.</summary>
internal static class GrantRules
{
    private const int MaxPurposeLength = 64;

    /// <summary>A validated grant request.</summary>
    public sealed record Valid(
        UnifiedSocialCreditCode Grantee,
        IReadOnlyList<LicenseType> Types,
        IReadOnlyList<string> Fields,
        string ItemCode,
        string SerialNumber,
        DateTimeOffset NotBefore,
        DateTimeOffset NotAfter,
        int MaxUses);

    /// <summary>Checks a request; every failing field is reported with its JSON pointer.</summary>
    public static Valid Validate(GrantRequest request, LicenseCatalog catalog, SharingOptions options, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        UnifiedSocialCreditCode? grantee = null;
        if (!UnifiedSocialCreditCode.TryParse(request.Grantee, out grantee, out var granteeError))
        {
            errors.Add(new FieldError("/grantee", granteeError));
        }

        var types = new List<LicenseType>();
        if (request.LicenseTypes is not { Count: > 0 })
        {
            errors.Add(new FieldError("/licenseTypes", "is required: at least one 证照类型代码"));
        }
        else
        {
            for (var i = 0; i < request.LicenseTypes.Count; i++)
            {
                var pointer = $"/licenseTypes/{i}";
                if (!LicenseTypeCode.TryParse(request.LicenseTypes[i], out var code, out var reason))
                {
                    errors.Add(new FieldError(pointer, reason));
                }
                else if (!catalog.TryGet(code, out var type))
                {
                    errors.Add(new FieldError(pointer, "is not a license type of the catalog"));
                }
                else if (type.SharingLevel == SharingLevel.NotShared)
                {
                    errors.Add(new FieldError(pointer, $"{type.Name} is 不予共享 in the catalog: it is never shared, not even with a grant"));
                }
                else if (types.Contains(type))
                {
                    errors.Add(new FieldError(pointer, "is listed twice"));
                }
                else
                {
                    types.Add(type);
                }
            }
        }

        var fields = new List<string>();
        if (request.Fields is not { Count: > 0 })
        {
            errors.Add(new FieldError("/fields", "is required: at least one field name"));
        }
        else
        {
            for (var i = 0; i < request.Fields.Count; i++)
            {
                var field = request.Fields[i];
                if (string.IsNullOrEmpty(field))
                {
                    errors.Add(new FieldError($"/fields/{i}", "must be a field name"));
                }
                else if (fields.Contains(field, StringComparer.Ordinal))
                {
                    errors.Add(new FieldError($"/fields/{i}", "is listed twice"));
                }
                else if (types.Count > 0 && field != GrantFields.Document && !types.Any(t => HasField(t, field)))
                {
                    // The name is the catalog's, not the holder's: safe to repeat.
                    errors.Add(new FieldError($"/fields/{i}", $"\"{Truncate(field)}\" is not a field of the granted license types"));
                }
                else
                {
                    fields.Add(field);
                }
            }
        }

        var itemCode = request.Purpose?.ItemCode;
        var serial = request.Purpose?.SerialNumber;
        if (string.IsNullOrWhiteSpace(itemCode) || itemCode.Length > MaxPurposeLength)
        {
            errors.Add(new FieldError("/purpose/itemCode", $"is required: the 事项编码, 1–{MaxPurposeLength} characters"));
        }

        if (string.IsNullOrWhiteSpace(serial) || serial.Length > MaxPurposeLength)
        {
            errors.Add(new FieldError("/purpose/serialNumber", $"is required: the 业务流水号, 1–{MaxPurposeLength} characters"));
        }

        var notBefore = request.NotBefore ?? now;
        if (request.NotAfter is not { } notAfter)
        {
            errors.Add(new FieldError("/notAfter", "is required: the end of the grant's window"));
            notAfter = notBefore;
        }
        else if (notAfter <= notBefore)
        {
            errors.Add(new FieldError("/notAfter", "must be after notBefore"));
        }
        else if (notAfter <= now)
        {
            errors.Add(new FieldError("/notAfter", "must be in the future"));
        }
        else if (notAfter - notBefore > options.MaxGrantWindow)
        {
            errors.Add(new FieldError("/notAfter", $"the window may last at most {options.MaxGrantWindow.TotalDays:0} days"));
        }

        if (request.MaxUses is not { } maxUses || maxUses < 1 || maxUses > options.MaxGrantUses)
        {
            errors.Add(new FieldError("/maxUses", $"is required: 1–{options.MaxGrantUses}"));
            maxUses = 0;
        }

        if (errors.Count > 0)
        {
            throw RegistryException.Validation(errors);
        }

        return new Valid(grantee!, types, fields, itemCode!.Trim(), serial!.Trim(), notBefore, notAfter, maxUses);
    }

    /// <summary>Whether <paramref name="field"/> names a 照面 field of the type or one of its national metadata elements.</summary>
    public static bool HasField(LicenseType type, string field) =>
        type.FaceFields.Contains(field, StringComparer.Ordinal) || MetadataNames.Displayable.Contains(field);

    /// <summary>Where a grant stands at <paramref name="now"/>.</summary>
    public static GrantState StateOf(DateTime? revokedAtUtc, DateTimeOffset notBefore, DateTimeOffset notAfter, int uses, int maxUses, DateTimeOffset now) =>
        revokedAtUtc is not null ? GrantState.Revoked
        : now < notBefore ? GrantState.Pending
        : now >= notAfter ? GrantState.Expired
        : uses >= maxUses ? GrantState.Exhausted
        : GrantState.Active;

    private static string Truncate(string field) => field.Length <= 40 ? field : field[..40] + "…";
}
