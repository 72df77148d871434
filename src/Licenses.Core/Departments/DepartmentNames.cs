namespace ElectronicLicense.Licenses.Departments;

/// <summary>Spellings of levels and roles in configuration files and APIs.</summary>
public static class DepartmentNames
{
    /// <summary>The JSON name of a level: 市, 区县 or 乡镇.</summary>
    public static string Of(DepartmentLevel level) => level switch
    {
        DepartmentLevel.City => "市",
        DepartmentLevel.District => "区县",
        DepartmentLevel.Township => "乡镇",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>The JSON name of a role: issuer, verifier, archivist or admin.</summary>
    public static string Of(DepartmentRole role) => role switch
    {
        DepartmentRole.Issuer => "issuer",
        DepartmentRole.Verifier => "verifier",
        DepartmentRole.Archivist => "archivist",
        DepartmentRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>Parses a level name.</summary>
    public static bool TryParseLevel(string? value, out DepartmentLevel level)
    {
        level = value switch { "市" => DepartmentLevel.City, "区县" => DepartmentLevel.District, "乡镇" => DepartmentLevel.Township, _ => (DepartmentLevel)(-1) };
        return level >= 0;
    }

    /// <summary>Parses a role name.</summary>
    public static bool TryParseRole(string? value, out DepartmentRole role)
    {
        role = value switch
        {
            "issuer" => DepartmentRole.Issuer,
            "verifier" => DepartmentRole.Verifier,
            "archivist" => DepartmentRole.Archivist,
            "admin" => DepartmentRole.Admin,
            _ => (DepartmentRole)(-1),
        };
        return role >= 0;
    }
}
