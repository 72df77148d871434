namespace ElectronicLicense.Licenses.Ingest;

/// <summary>Limits of 归集 (configuration section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Ingest";

    /// <summary>Largest accepted single license body (and batch line), in bytes; historical files travel inside it as base64.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How many batch records are stored per database transaction.</summary>
    public int BatchChunkSize { get; set; } = 500;

    /// <summary>统一社会信用代码 issued before GB 32100 whose check character fails but which are legally valid.</summary>
    public List<string> UsccAllowList { get; set; } = [];
}
