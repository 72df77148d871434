namespace ElectronicLicense.Cli;

/// <summary>The process exit codes of <c>elic</c>, part of its scripting contract.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked: a valid identifier, a listed catalog, an import without rejected lines.</summary>
    public const int Success = 0;

    /// <summary>The command ran but the input failed: an invalid identifier, or an import with rejected lines.</summary>
    public const int Failed = 1;

    /// <summary>The command could not run: bad usage, a broken catalog, an unreachable or refusing registry.</summary>
    public const int Error = 2;

    /// <summary>Interrupted (Ctrl+C), as shells report a SIGINT.</summary>
    public const int Cancelled = 130;
}
