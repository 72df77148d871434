namespace ElectronicLicense.Licenses.Lifecycle;

/// <summary>Reason codes of status changes, with their Chinese names; lifecycle requests must use one of these.</summary>
public static class LifecycleReasons
{
    /// <summary>Recorded when a license is first stored.</summary>
    public const string Issued = "issued";

    /// <summary>Codes allowed for revocation (final).</summary>
    public static IReadOnlyDictionary<string, string> Revoke { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["revoked-by-authority"] = "吊销",
        ["cancelled"] = "注销",
        ["annulled"] = "撤销",
        ["issued-in-error"] = "错误颁发",
        ["holder-deceased"] = "持证人死亡",
        ["entity-dissolved"] = "主体终止",
        ["replaced"] = "换发",
    };

    /// <summary>Codes allowed for suspension.</summary>
    public static IReadOnlyDictionary<string, string> Suspend { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["suspended-by-authority"] = "暂扣",
        ["under-investigation"] = "调查中",
        ["holder-request"] = "持证主体申请",
    };

    /// <summary>Codes allowed for resuming a suspended license.</summary>
    public static IReadOnlyDictionary<string, string> Resume { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["suspension-ended"] = "暂扣期满",
        ["investigation-closed"] = "调查结束",
        ["suspended-in-error"] = "错误暂停",
    };

    /// <summary>The Chinese name of any reason code, or the code itself when unknown.</summary>
    public static string NameOf(string code) =>
        code == Issued ? "颁发"
        : Revoke.TryGetValue(code, out var name) || Suspend.TryGetValue(code, out name) || Resume.TryGetValue(code, out name) ? name
        : code;
}
