namespace ElectronicLicense.Cli;

/// <summary>The process exit codes of <c>elic</c>, part of its scripting contract.</summary>
/// <remarks>
/// <c>elic verify</c> and <c>elic seal</c> give 0/1/2 the meaning of the ETSI verdicts (TOTAL-PASSED, TOTAL-FAILED,
/// INDETERMINATE), so they report bad usage with <see cref="Usage"/> (sysexits EX_USAGE) instead of <see cref="Error"/>:
/// a script must never read "could not run" as "indeterminate".
/// </remarks>
internal static class ExitCodes
{
    /// <summary>The command did what was asked: a valid identifier, a listed catalog, an import without rejected lines, a TOTAL-PASSED verification.</summary>
    public const int Success = 0;

    /// <summary>The command ran but the input failed: an invalid identifier, an import with rejected lines, a TOTAL-FAILED verification, a seal whose signature fails.</summary>
    public const int Failed = 1;

    /// <summary>The command could not run: bad usage, a broken catalog, an unreachable or refusing registry.</summary>
    public const int Error = 2;

    /// <summary>For <c>elic verify</c>: the verification is INDETERMINATE (nothing proven wrong, something not established, e.g. no trusted chain).</summary>
    public const int Indeterminate = 2;

    /// <summary>For <c>elic verify</c> and <c>elic seal</c>: bad usage or unusable input (missing or unreadable file, not an OFD, unreadable trust folder, wrong key password).</summary>
    public const int Usage = 64;

    /// <summary>For <c>elic verify</c> and <c>elic seal</c>: an unexpected internal error (sysexits EX_SOFTWARE).</summary>
    public const int Software = 70;

    /// <summary>Interrupted (Ctrl+C), as shells report a SIGINT.</summary>
    public const int Cancelled = 130;
}
