namespace ElectronicLicense.Licenses.Catalog;

/// <summary>Who may hold a license of a type, which decides the kind of holder identifier it carries.</summary>
public enum HolderKind
{
    /// <summary>自然人: identified by 公民身份号码.</summary>
    NaturalPerson,

    /// <summary>法人和其他组织: identified by 统一社会信用代码.</summary>
    LegalEntity,
}

/// <summary>The type's sharing level (共享属性) from the national catalog.</summary>
public enum SharingLevel
{
    /// <summary>无条件共享.</summary>
    Unconditional,

    /// <summary>有条件共享.</summary>
    Conditional,

    /// <summary>不予共享.</summary>
    NotShared,
}

/// <summary>Whether licenses of a type expire.</summary>
public enum ValidityKind
{
    /// <summary>长期有效: no end date.</summary>
    Permanent,

    /// <summary>定期: an end date is required, at most <see cref="ValidityRule.MaxYears"/> after the start.</summary>
    Dated,
}

/// <summary>How long archives of a type are kept (保管期限).</summary>
public enum RetentionPeriod
{
    /// <summary>永久.</summary>
    Permanent,

    /// <summary>30年.</summary>
    ThirtyYears,

    /// <summary>10年.</summary>
    TenYears,
}

/// <summary>Who must sign in one step of a type's signature policy.</summary>
public enum SignerKind
{
    /// <summary>The department that issues the license.</summary>
    Issuer,

    /// <summary>The issuing department's parent department (跨层级签章).</summary>
    IssuerParent,

    /// <summary>One named department (多部门联合签章).</summary>
    Department,
}
