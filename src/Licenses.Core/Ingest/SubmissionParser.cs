using ElectronicLicense.Licenses.Lifecycle;
using System.Globalization;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>Parses and validates one pushed license body; collects every failing field, not only the first.</summary>
/// <remarks>Messages name the expectation, never the submitted value: bodies carry holder data.</remarks>
internal sealed class SubmissionParser(LicenseCatalog catalog, UsccAllowList allowList, TimeProvider clock)
{
    private static readonly HashSet<string> EnvelopeFields = new(StringComparer.Ordinal)
    {
        MetadataNames.TypeCode, MetadataNames.Number, MetadataNames.Holder, MetadataNames.HolderCode, MetadataNames.HolderCodeType,
        MetadataNames.IssuerCode, MetadataNames.IssueDate, MetadataNames.ValidFrom, MetadataNames.ValidUntil, MetadataNames.Face,
        MetadataNames.Change, MetadataNames.SourceDocument,
    };

    private static readonly JsonLoadSettings LoadSettings = new() { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error };

    /// <summary>Reads JSON text strictly: duplicate keys are an error, dates stay strings, depth is bounded.</summary>
    public static JObject ReadJson(string json)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(json))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Decimal,
                MaxDepth = 32,
            };
            var token = JToken.ReadFrom(reader, LoadSettings);
            if (reader.Read())
            {
                throw new RegistryException(RegistryErrorCodes.MalformedJson,
                    $"Unexpected content after the JSON value at line {reader.LineNumber}, position {reader.LinePosition}.");
            }

            return token as JObject ?? throw new RegistryException(RegistryErrorCodes.MalformedJson, "The body must be a JSON object.");
        }
        catch (JsonReaderException e)
        {
            // Newtonsoft's message may quote the offending text; report only where it is.
            throw new RegistryException(RegistryErrorCodes.MalformedJson,
                $"The body is not valid JSON: error at line {e.LineNumber}, position {e.LinePosition}{Describe(e)}.");
        }
    }

    private static string Describe(JsonReaderException e) =>
        // Newtonsoft.Json 13: "Property with the name '…' already exists in the current JSON object."
        e.Message.Contains("already exists in the current JSON object", StringComparison.Ordinal) ? " (a property name is repeated)"
        : e.Message.Contains("MaxDepth", StringComparison.Ordinal) ? " (nested too deeply)"
        : string.Empty;

    public LicenseSubmission Parse(JObject body)
    {
        var errors = new List<FieldError>();
        foreach (var property in body.Properties())
        {
            if (!EnvelopeFields.Contains(property.Name))
            {
                errors.Add(new FieldError(JsonPointer.Append(string.Empty, property.Name),
                    $"is not a field of a license body; type-specific fields belong in \"{MetadataNames.Face}\""));
            }
        }

        var type = ParseType(body, errors);
        var number = RequiredString(body, MetadataNames.Number, 64, errors);
        if (number is not null && !IsValidNumber(number))
        {
            errors.Add(Error(MetadataNames.Number, "must be letters, digits and the punctuation - _ ( ) （ ） 〔 〕 [ ] # / . · without spaces or control characters"));
        }

        var holderName = RequiredString(body, MetadataNames.Holder, 200, errors);
        if (holderName is not null && holderName.Any(char.IsControl))
        {
            errors.Add(Error(MetadataNames.Holder, "must not contain control characters"));
        }

        var (holderCode, holderCodeType) = ParseHolder(body, type, errors);
        var issueDate = RequiredDate(body, MetadataNames.IssueDate, errors);
        var today = License.ChinaDate(clock.GetUtcNow());
        if (issueDate > today)
        {
            errors.Add(Error(MetadataNames.IssueDate, "must not be in the future"));
        }

        var validFrom = RequiredDate(body, MetadataNames.ValidFrom, errors);
        var validUntil = ParseValidUntil(body, type, validFrom, errors);
        var face = ParseFace(body, type, errors);
        var change = ParseChange(body, errors);
        var document = ParseDocument(body, errors);

        if (body[MetadataNames.IssuerCode] is { } issuerToken
            && (issuerToken.Type != JTokenType.String || !UnifiedSocialCreditCode.TryParse((string?)issuerToken, allowList, out _, out _)))
        {
            errors.Add(Error(MetadataNames.IssuerCode, "must be the issuing department's 统一社会信用代码"));
        }

        if (errors.Count > 0)
        {
            throw RegistryException.Validation(errors);
        }

        return new LicenseSubmission
        {
            Type = type!,
            Number = number!,
            HolderName = holderName!,
            HolderCode = holderCode!,
            HolderCodeType = holderCodeType!,
            IssueDate = issueDate!.Value,
            ValidFrom = validFrom!.Value,
            ValidUntil = validUntil,
            Face = face!,
            ChangeReason = change,
            Document = document,
        };
    }

    private LicenseType? ParseType(JObject body, List<FieldError> errors)
    {
        var value = RequiredString(body, MetadataNames.TypeCode, 21, errors, minimum: 1);
        if (value is null)
        {
            return null;
        }

        if (!LicenseTypeCode.TryParse(value, out var code, out var reason))
        {
            errors.Add(Error(MetadataNames.TypeCode, reason));
            return null;
        }

        if (!catalog.TryGet(code, out var type))
        {
            errors.Add(Error(MetadataNames.TypeCode, "is not a license type of the catalog (GET /api/v1/catalog/types lists them)"));
            return null;
        }

        return type;
    }

    private (string? Code, string? CodeType) ParseHolder(JObject body, LicenseType? type, List<FieldError> errors)
    {
        var codeType = RequiredString(body, MetadataNames.HolderCodeType, 16, errors);
        var expected = type?.HolderKind switch
        {
            HolderKind.NaturalPerson => MetadataNames.CitizenIdType,
            HolderKind.LegalEntity => MetadataNames.UsccType,
            _ => null,
        };
        if (codeType is not null && codeType is not (MetadataNames.CitizenIdType or MetadataNames.UsccType))
        {
            errors.Add(Error(MetadataNames.HolderCodeType, $"must be {MetadataNames.CitizenIdType} or {MetadataNames.UsccType}"));
            codeType = null;
        }
        else if (codeType is not null && expected is not null && codeType != expected)
        {
            errors.Add(Error(MetadataNames.HolderCodeType, $"must be {expected}: holders of {type!.Name} are {(type.HolderKind == HolderKind.NaturalPerson ? "natural persons" : "legal entities")}"));
        }

        var value = RequiredString(body, MetadataNames.HolderCode, 18, errors);
        if (value is null)
        {
            return (null, codeType);
        }

        string? canonical = null;
        string? reason;
        switch (codeType ?? expected)
        {
            case MetadataNames.CitizenIdType:
                canonical = CitizenId.TryParse(value, clock, out var citizen, out reason) ? citizen.Value : null;
                break;
            case MetadataNames.UsccType:
                canonical = UnifiedSocialCreditCode.TryParse(value, allowList, out var uscc, out reason) ? uscc.Value : null;
                break;
            default:
                return (null, codeType);
        }

        if (canonical is null)
        {
            errors.Add(Error(MetadataNames.HolderCode, reason!));
        }

        return (canonical, codeType ?? expected);
    }

    private static DateOnly? ParseValidUntil(JObject body, LicenseType? type, DateOnly? validFrom, List<FieldError> errors)
    {
        var token = body[MetadataNames.ValidUntil];
        var isLongTerm = token is null || token.Type == JTokenType.Null || (token.Type == JTokenType.String && (string?)token == MetadataNames.LongTerm);
        if (type is null)
        {
            return isLongTerm ? null : ParseDate(token!, MetadataNames.ValidUntil, errors);
        }

        if (type.Validity.Kind == ValidityKind.Permanent)
        {
            if (!isLongTerm)
            {
                errors.Add(Error(MetadataNames.ValidUntil, $"must be \"{MetadataNames.LongTerm}\" or absent: {type.Name} is valid without end"));
            }

            return null;
        }

        if (isLongTerm)
        {
            errors.Add(Error(MetadataNames.ValidUntil, $"is required: {type.Name} is valid for at most {type.Validity.MaxYears} years"));
            return null;
        }

        var until = ParseDate(token!, MetadataNames.ValidUntil, errors);
        if (until is { } end && validFrom is { } start)
        {
            if (end < start)
            {
                errors.Add(Error(MetadataNames.ValidUntil, $"must not be before {MetadataNames.ValidFrom}"));
            }
            else if (end > start.AddYears(type.Validity.MaxYears!.Value))
            {
                errors.Add(Error(MetadataNames.ValidUntil, $"must be at most {type.Validity.MaxYears} years after {MetadataNames.ValidFrom}"));
            }
        }

        return until;
    }

    private static JObject? ParseFace(JObject body, LicenseType? type, List<FieldError> errors)
    {
        var pointer = "/" + MetadataNames.Face;
        switch (body[MetadataNames.Face])
        {
            case null:
                errors.Add(new FieldError(pointer, "is required: the type's 照面 fields"));
                return null;
            case JObject face:
                if (type is not null)
                {
                    errors.AddRange(type.ValidateFace(face, pointer));
                }

                return face;
            default:
                errors.Add(new FieldError(pointer, "must be an object"));
                return null;
        }
    }

    private static string? ParseChange(JObject body, List<FieldError> errors)
    {
        var token = body[MetadataNames.Change];
        if (token is null || token.Type == JTokenType.Null)
        {
            return null;
        }

        const string reasonKey = "原因";
        if (token is not JObject change || change.Properties().Any(p => p.Name != reasonKey)
            || change[reasonKey] is not { Type: JTokenType.String } reason || ((string)reason!).Trim().Length is 0 or > 500)
        {
            errors.Add(Error(MetadataNames.Change, $"must be {{\"{reasonKey}\": \"...\"}} with a reason of 1–500 characters"));
            return null;
        }

        return ((string)reason!).Trim();
    }

    private static SourceDocument? ParseDocument(JObject body, List<FieldError> errors)
    {
        var token = body[MetadataNames.SourceDocument];
        if (token is null || token.Type == JTokenType.Null)
        {
            return null;
        }

        var pointer = "/" + MetadataNames.SourceDocument;
        if (token is not JObject document || document["格式"] is not { Type: JTokenType.String } formatToken
            || document["内容"] is not { Type: JTokenType.String } contentToken)
        {
            errors.Add(new FieldError(pointer, "must be {\"格式\": \"pdf\" | \"ofd\", \"内容\": base64 of the file}"));
            return null;
        }

        var format = (string)formatToken!;
        byte[] content;
        try
        {
            content = Convert.FromBase64String((string)contentToken!);
        }
        catch (FormatException)
        {
            errors.Add(new FieldError(pointer + "/内容", "must be base64"));
            return null;
        }

        // Identify the format by its bytes, not by what the sender says.
        var ok = format switch
        {
            "pdf" => content.AsSpan().StartsWith("%PDF-"u8),
            "ofd" => content.AsSpan().StartsWith("PK\u0003\u0004"u8),
            _ => false,
        };
        if (format is not ("pdf" or "ofd"))
        {
            errors.Add(new FieldError(pointer + "/格式", "must be pdf or ofd"));
        }
        else if (!ok)
        {
            errors.Add(new FieldError(pointer + "/内容", $"is not a {format.ToUpperInvariant()} file ({(format == "pdf" ? "no %PDF- header" : "not a zip package")})"));
        }

        return ok ? new SourceDocument(DocumentNames.ParseFormat(format), content) : null;
    }

    private static bool IsValidNumber(string number) =>
        number.All(c => char.IsLetterOrDigit(c) || "-_()（）〔〕[]#/.·".Contains(c));

    private static string? RequiredString(JObject body, string name, int maxLength, List<FieldError> errors, int minimum = 1)
    {
        switch (body[name])
        {
            case null or { Type: JTokenType.Null }:
                errors.Add(Error(name, "is required"));
                return null;
            case { Type: JTokenType.String } token:
                var value = (string)token!;
                if (value.Length < minimum || value.Length > maxLength)
                {
                    errors.Add(Error(name, $"must be {minimum}–{maxLength} characters, got {value.Length}"));
                    return null;
                }

                if (value.Trim().Length != value.Length)
                {
                    errors.Add(Error(name, "must not start or end with spaces"));
                    return null;
                }

                return value;
            default:
                errors.Add(Error(name, "must be a string"));
                return null;
        }
    }

    private static DateOnly? RequiredDate(JObject body, string name, List<FieldError> errors)
    {
        if (body[name] is not { } token || token.Type == JTokenType.Null)
        {
            errors.Add(Error(name, "is required (YYYY-MM-DD)"));
            return null;
        }

        return ParseDate(token, name, errors);
    }

    private static DateOnly? ParseDate(JToken token, string name, List<FieldError> errors)
    {
        if (token.Type == JTokenType.String
            && DateOnly.TryParseExact((string?)token, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year >= 1900)
        {
            return date;
        }

        errors.Add(Error(name, "must be a calendar date YYYY-MM-DD (year 1900 or later)"));
        return null;
    }

    private static FieldError Error(string name, string message) => new(JsonPointer.Append(string.Empty, name), message);
}
