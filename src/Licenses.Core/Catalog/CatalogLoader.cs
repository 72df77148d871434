using ElectronicLicense.Licenses.Identifiers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace ElectronicLicense.Licenses.Catalog;

/// <summary>Reads and checks the schema files of the catalog; any problem stops start-up naming the file.</summary>
internal static class CatalogLoader
{
    public const string SchemaIdPrefix = "urn:elic:license-type:";

    // NJsonSchema (draft-07; 10.7 and 11.6 alike, checked) silently ignores these: a schema using them would accept data it means to refuse.
    private static readonly HashSet<string> UnsupportedKeywords = new(StringComparer.Ordinal)
    {
        "const", "if", "then", "else", "contains", "propertyNames", "dependencies", "prefixItems",
        "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas", "$defs",
    };

    // Field names become JSON pointer tokens and parts of NJsonSchema's dotted paths.
    private static readonly char[] ReservedNameCharacters = ['.', '[', ']', '/', '~'];

    public static LicenseCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CatalogException(directory, "the catalog directory does not exist (set Catalog:SchemaDirectory)");
        }

        var files = Directory.GetFiles(directory, "*.schema.json").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new CatalogException(directory, "no *.schema.json files found");
        }

        var types = new List<LicenseType>();
        var seen = new Dictionary<LicenseTypeCode, string>();
        foreach (var file in files)
        {
            var type = LoadFile(file);
            if (seen.TryGetValue(type.Code, out var other))
            {
                throw new CatalogException(file, $"type code {type.Code} is also defined in '{Path.GetFileName(other)}'");
            }

            seen.Add(type.Code, file);
            types.Add(type);
        }

        return new LicenseCatalog(types);
    }

    internal static LicenseType LoadFile(string file)
    {
        var name = Path.GetFileName(file);
        var text = File.ReadAllText(file);
        JObject root;
        try
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
            root = JObject.Load(reader, new JsonLoadSettings { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
        }
        catch (JsonReaderException e)
        {
            throw new CatalogException(name, $"not valid JSON at line {e.LineNumber}, position {e.LinePosition}: {e.Message}");
        }

        Require(name, (string?)root["$schema"] is "http://json-schema.org/draft-07/schema#" or "http://json-schema.org/draft-07/schema",
            "\"$schema\" must be http://json-schema.org/draft-07/schema#");
        Require(name, (string?)root["type"] == "object", "\"type\" must be \"object\"");
        Require(name, root["properties"] is JObject, "\"properties\" must be an object");
        CheckKeywords(name, root, "#");

        if (root["x-license"] is not JObject meta)
        {
            throw new CatalogException(name, "the \"x-license\" block is missing");
        }

        JsonSchema schema;
        try
        {
            schema = JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new CatalogException(name, "the schema cannot be read: " + e.Message);
        }

        var faceFields = ((JObject)root["properties"]!).Properties().Select(p => p.Name).ToArray();
        foreach (var field in faceFields)
        {
            Require(name, field.Length > 0 && field.IndexOfAny(ReservedNameCharacters) < 0 && !MetadataNames.Displayable.Contains(field),
                $"field name \"{field}\" must not be empty, contain . [ ] / ~, or repeat a metadata name");
        }

        var code = ParseTypeCode(name, meta);
        Require(name, (string?)root["$id"] == SchemaIdPrefix + code.Value, $"\"$id\" must be \"{SchemaIdPrefix}{code.Value}\"");

        var displayOrder = Strings(name, meta, "displayOrder");
        var displayable = new HashSet<string>(faceFields.Concat(MetadataNames.Displayable), StringComparer.Ordinal);
        foreach (var field in displayOrder)
        {
            Require(name, displayable.Contains(field), $"displayOrder names \"{field}\", which is neither a 照面 field nor a metadata name");
        }

        foreach (var field in faceFields)
        {
            Require(name, displayOrder.Contains(field), $"照面 field \"{field}\" is missing from displayOrder");
        }

        Require(name, displayOrder.Distinct(StringComparer.Ordinal).Count() == displayOrder.Count, "displayOrder lists a field twice");
        var sensitive = Strings(name, meta, "sensitiveFields", allowEmpty: true);
        foreach (var field in sensitive)
        {
            Require(name, displayOrder.Contains(field), $"sensitiveFields names \"{field}\", which is not in displayOrder");
        }

        return new LicenseType(
            code,
            NonEmpty(name, meta, "name"),
            NonEmpty(name, meta, "englishName"),
            ParseHolderKind(name, meta),
            ParseAuthority(name, meta, code),
            Strings(name, meta, "issuers").Select(s => Uscc(name, s, "issuers")).ToArray(),
            ParseSignatures(name, meta),
            ParseSharing(name, meta),
            ParseValidity(name, meta),
            ParseRetention(name, meta),
            displayOrder,
            sensitive,
            faceFields,
            name,
            text,
            schema);
    }

    private static void CheckKeywords(string file, JToken token, string path)
    {
        switch (token)
        {
            case JObject obj:
                foreach (var property in obj.Properties())
                {
                    if (UnsupportedKeywords.Contains(property.Name))
                    {
                        throw new CatalogException(file, $"keyword \"{property.Name}\" at {path} is not supported by the validator (draft-07 subset); it would be silently ignored");
                    }

                    if (property.Name is "properties" or "definitions" && property.Value is JObject names)
                    {
                        // The keys of these maps are field or definition names, not keywords; every value is a schema.
                        foreach (var named in names.Properties())
                        {
                            // At every depth, not only for 照面 fields: SchemaErrorTranslator splits paths on '.', '[' and ']'.
                            Require(file, property.Name != "properties" || (named.Name.Length > 0 && named.Name.IndexOfAny(ReservedNameCharacters) < 0),
                                $"field name \"{named.Name}\" at {path}/properties must not be empty or contain . [ ] / ~");
                            CheckKeywords(file, named.Value, path + "/" + property.Name + "/" + named.Name);
                        }
                    }
                    else if (property.Name != "x-license")
                    {
                        CheckKeywords(file, property.Value, path + "/" + property.Name);
                    }
                }

                break;
            case JArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckKeywords(file, array[i], path + "/" + i);
                }

                break;
        }
    }

    private static LicenseTypeCode ParseTypeCode(string file, JObject meta)
    {
        var value = NonEmpty(file, meta, "code");
        if (!LicenseTypeCode.TryParse(value, out var code, out var error))
        {
            throw new CatalogException(file, "x-license.code: " + error);
        }

        return code;
    }

    private static DefiningAuthority ParseAuthority(string file, JObject meta, LicenseTypeCode code)
    {
        if (meta["definingAuthority"] is not JObject authority)
        {
            throw new CatalogException(file, "x-license.definingAuthority must be an object with code and name");
        }

        var uscc = Uscc(file, NonEmpty(file, authority, "code"), "definingAuthority.code");
        Require(file, uscc == code.Authority, "x-license.definingAuthority.code must be the authority part of the type code");
        return new DefiningAuthority(uscc, NonEmpty(file, authority, "name"));
    }

    private static IReadOnlyList<SignatureRequirement> ParseSignatures(string file, JObject meta)
    {
        if (meta["signatures"] is not JArray { Count: > 0 } array)
        {
            throw new CatalogException(file, "x-license.signatures must list at least the issuer's signature");
        }

        var result = new List<SignatureRequirement>();
        foreach (var item in array)
        {
            if (item is not JObject step)
            {
                throw new CatalogException(file, "x-license.signatures entries must be objects");
            }

            var signer = NonEmpty(file, step, "signer");
            var requirement = signer switch
            {
                "issuer" => new SignatureRequirement(SignerKind.Issuer, null, NonEmpty(file, step, "seal"), NonEmpty(file, step, "reason")),
                "issuer-parent" => new SignatureRequirement(SignerKind.IssuerParent, null, NonEmpty(file, step, "seal"), NonEmpty(file, step, "reason")),
                _ => new SignatureRequirement(SignerKind.Department, Uscc(file, signer, "signatures.signer"), NonEmpty(file, step, "seal"), NonEmpty(file, step, "reason")),
            };
            result.Add(requirement);
        }

        Require(file, result[0].Signer == SignerKind.Issuer, "x-license.signatures must start with the issuer (\"signer\": \"issuer\")");
        Require(file, result.Skip(1).All(s => s.Signer != SignerKind.Issuer), "x-license.signatures lists the issuer more than once");
        return result;
    }

    private static HolderKind ParseHolderKind(string file, JObject meta) => NonEmpty(file, meta, "holderKind") switch
    {
        "natural-person" => HolderKind.NaturalPerson,
        "legal-entity" => HolderKind.LegalEntity,
        var other => throw new CatalogException(file, $"x-license.holderKind must be natural-person or legal-entity, got \"{other}\""),
    };

    private static SharingLevel ParseSharing(string file, JObject meta) => NonEmpty(file, meta, "sharingLevel") switch
    {
        "无条件共享" => SharingLevel.Unconditional,
        "有条件共享" => SharingLevel.Conditional,
        "不予共享" => SharingLevel.NotShared,
        var other => throw new CatalogException(file, $"x-license.sharingLevel must be 无条件共享, 有条件共享 or 不予共享, got \"{other}\""),
    };

    private static RetentionPeriod ParseRetention(string file, JObject meta) => NonEmpty(file, meta, "retention") switch
    {
        "永久" => RetentionPeriod.Permanent,
        "30年" => RetentionPeriod.ThirtyYears,
        "10年" => RetentionPeriod.TenYears,
        var other => throw new CatalogException(file, $"x-license.retention must be 永久, 30年 or 10年, got \"{other}\""),
    };

    private static ValidityRule ParseValidity(string file, JObject meta)
    {
        if (meta["validity"] is not JObject validity)
        {
            throw new CatalogException(file, "x-license.validity must be an object");
        }

        switch (NonEmpty(file, validity, "kind"))
        {
            case "permanent":
                return new ValidityRule(ValidityKind.Permanent, null);
            case "dated":
                var years = validity["maxYears"];
                Require(file, years is { Type: JTokenType.Integer } && (int)years is > 0 and <= 100, "x-license.validity.maxYears must be an integer 1–100");
                return new ValidityRule(ValidityKind.Dated, (int)years!);
            case var other:
                throw new CatalogException(file, $"x-license.validity.kind must be permanent or dated, got \"{other}\"");
        }
    }

    private static UnifiedSocialCreditCode Uscc(string file, string value, string where) =>
        UnifiedSocialCreditCode.TryParse(value, out var code, out var error)
            ? code
            : throw new CatalogException(file, $"x-license.{where}: {error}");

    private static string NonEmpty(string file, JObject obj, string key) =>
        obj[key] is { Type: JTokenType.String } token && ((string)token!).Trim().Length > 0
            ? (string)token!
            : throw new CatalogException(file, $"x-license: \"{key}\" must be a non-empty string");

    private static List<string> Strings(string file, JObject obj, string key, bool allowEmpty = false)
    {
        if (obj[key] is not JArray array || (!allowEmpty && array.Count == 0) || array.Any(t => t.Type != JTokenType.String))
        {
            throw new CatalogException(file, $"x-license.{key} must be {(allowEmpty ? "an" : "a non-empty")} array of strings");
        }

        return array.Select(t => (string)t!).ToList();
    }

    private static void Require(string file, bool condition, string problem)
    {
        if (!condition)
        {
            throw new CatalogException(file, problem);
        }
    }
}
