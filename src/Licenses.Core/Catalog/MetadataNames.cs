namespace ElectronicLicense.Licenses.Catalog;

/// <summary>The national license metadata element names used in request bodies, responses and archives.</summary>
public static class MetadataNames
{
    /// <summary>证照名称.</summary>
    public const string Name = "证照名称";

    /// <summary>证照类型代码.</summary>
    public const string TypeCode = "证照类型代码";

    /// <summary>证照编号: the issuing department's own number.</summary>
    public const string Number = "证照编号";

    /// <summary>证照标识: the registry's GB/T 36904 identifier.</summary>
    public const string LicenseId = "证照标识";

    /// <summary>颁发机构.</summary>
    public const string Issuer = "颁发机构";

    /// <summary>颁发机构代码.</summary>
    public const string IssuerCode = "颁发机构代码";

    /// <summary>颁发日期.</summary>
    public const string IssueDate = "颁发日期";

    /// <summary>持证主体.</summary>
    public const string Holder = "持证主体";

    /// <summary>持证主体代码.</summary>
    public const string HolderCode = "持证主体代码";

    /// <summary>持证主体代码类型.</summary>
    public const string HolderCodeType = "持证主体代码类型";

    /// <summary>有效期起始日期.</summary>
    public const string ValidFrom = "有效期起始日期";

    /// <summary>有效期截止日期.</summary>
    public const string ValidUntil = "有效期截止日期";

    /// <summary>照面: the type-specific face fields, validated by the type's schema.</summary>
    public const string Face = "照面";

    /// <summary>变更: present when a push is an explicit new version of an existing license.</summary>
    public const string Change = "变更";

    /// <summary>原始文件: an existing document file, for historical licenses.</summary>
    public const string SourceDocument = "原始文件";

    /// <summary>The holder code type for natural persons.</summary>
    public const string CitizenIdType = "公民身份号码";

    /// <summary>The holder code type for legal entities.</summary>
    public const string UsccType = "统一社会信用代码";

    /// <summary>The 有效期截止日期 value of licenses that never expire.</summary>
    public const string LongTerm = "长期";

    /// <summary>Metadata names a type's display order may use besides its own 照面 fields.</summary>
    public static IReadOnlySet<string> Displayable { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Name, Number, LicenseId, TypeCode, Issuer, IssuerCode, IssueDate, Holder, HolderCode, HolderCodeType, ValidFrom, ValidUntil,
    };
}
