using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace ElectronicLicense.Licenses.Catalog;

/// <summary>The validity rule of a license type.</summary>
/// <param name="Kind">Permanent or dated.</param>
/// <param name="MaxYears">For dated types, the longest allowed validity in years.</param>
public sealed record ValidityRule(ValidityKind Kind, int? MaxYears);

/// <summary>The authority that defines a license type in the national catalog.</summary>
/// <param name="Code">The authority's 统一社会信用代码.</param>
/// <param name="Name">The authority's name.</param>
public sealed record DefiningAuthority(UnifiedSocialCreditCode Code, string Name);

/// <summary>One required signature in a license type's ordered signature policy.</summary>
/// <param name="Signer">Who signs.</param>
/// <param name="Department">For <see cref="SignerKind.Department"/>, the named department.</param>
/// <param name="Seal">The kind of seal applied, e.g. 证照专用章.</param>
/// <param name="Reason">The reason recorded in the signature, e.g. 颁发 or 联合签章.</param>
public sealed record SignatureRequirement(SignerKind Signer, UnifiedSocialCreditCode? Department, string Seal, string Reason);

/// <summary>A license type of the catalog (证照目录): its metadata from the schema's <c>x-license</c> block and its 照面 schema.</summary>
public sealed class LicenseType
{
    private readonly JsonSchema faceSchema;

    internal LicenseType(
        LicenseTypeCode code,
        string name,
        string englishName,
        HolderKind holderKind,
        DefiningAuthority definingAuthority,
        IReadOnlyList<UnifiedSocialCreditCode> issuers,
        IReadOnlyList<SignatureRequirement> signatures,
        SharingLevel sharingLevel,
        ValidityRule validity,
        RetentionPeriod retention,
        IReadOnlyList<string> displayOrder,
        IReadOnlyList<string> sensitiveFields,
        IReadOnlyList<string> faceFields,
        string sourceFile,
        string schemaJson,
        JsonSchema faceSchema)
    {
        Code = code;
        Name = name;
        EnglishName = englishName;
        HolderKind = holderKind;
        DefiningAuthority = definingAuthority;
        Issuers = issuers;
        Signatures = signatures;
        SharingLevel = sharingLevel;
        Validity = validity;
        Retention = retention;
        DisplayOrder = displayOrder;
        SensitiveFields = sensitiveFields;
        FaceFields = faceFields;
        SourceFile = sourceFile;
        SchemaJson = schemaJson;
        this.faceSchema = faceSchema;
    }

    /// <summary>证照类型代码.</summary>
    public LicenseTypeCode Code { get; }

    /// <summary>证照名称 (Chinese).</summary>
    public string Name { get; }

    /// <summary>English name.</summary>
    public string EnglishName { get; }

    /// <summary>Whether holders are natural persons or legal entities.</summary>
    public HolderKind HolderKind { get; }

    /// <summary>The authority that defines the type.</summary>
    public DefiningAuthority DefiningAuthority { get; }

    /// <summary>Departments allowed to issue licenses of this type.</summary>
    public IReadOnlyList<UnifiedSocialCreditCode> Issuers { get; }

    /// <summary>The ordered signatures every license of this type needs; the first is always the issuer's.</summary>
    public IReadOnlyList<SignatureRequirement> Signatures { get; }

    /// <summary>共享属性.</summary>
    public SharingLevel SharingLevel { get; }

    /// <summary>Whether and how licenses of this type expire.</summary>
    public ValidityRule Validity { get; }

    /// <summary>保管期限 of the type's archives.</summary>
    public RetentionPeriod Retention { get; }

    /// <summary>The order in which fields are shown on the license face; names are metadata or 照面 field names.</summary>
    public IReadOnlyList<string> DisplayOrder { get; }

    /// <summary>Fields masked unless explicitly granted.</summary>
    public IReadOnlyList<string> SensitiveFields { get; }

    /// <summary>The type-specific 照面 field names, in schema order.</summary>
    public IReadOnlyList<string> FaceFields { get; }

    /// <summary>The schema file the type was loaded from.</summary>
    public string SourceFile { get; }

    /// <summary>The schema text as loaded, served by the catalog API.</summary>
    public string SchemaJson { get; }

    /// <summary>Whether <paramref name="department"/> may issue this type.</summary>
    public bool IsIssuer(UnifiedSocialCreditCode department) => Issuers.Contains(department);

    /// <summary>Validates the 照面 object; each error's pointer starts with <paramref name="pointer"/>.</summary>
    /// <remarks>
    /// NJsonSchema starts its paths at the token's path within its document ("照面.性别" for a face inside a body),
    /// so a face that has a parent is validated as a detached copy; otherwise every pointer would repeat the base.
    /// </remarks>
    internal IReadOnlyList<FieldError> ValidateFace(JToken face, string pointer) =>
        SchemaErrorTranslator.Translate(faceSchema.Validate(face.Parent is null ? face : face.DeepClone()), pointer);
}
