namespace ElectronicLicense.Seals.Ofd;

/// <summary>The DocInfo of an OFD document (GB/T 33190 §7.5, CT_DocInfo).</summary>
public sealed class OfdDocumentInfo
{
    /// <summary>DocID: a UUID as 32 hex digits without dashes. Derive it from the content for reproducible output.</summary>
    public required string DocId { get; init; }

    /// <summary>Title.</summary>
    public string? Title { get; init; }

    /// <summary>Author.</summary>
    public string? Author { get; init; }

    /// <summary>Subject.</summary>
    public string? Subject { get; init; }

    /// <summary>CreationDate (xs:date).</summary>
    public required DateOnly CreationDate { get; init; }

    /// <summary>Creator: the producing application.</summary>
    public string? Creator { get; init; }

    /// <summary>CreatorVersion.</summary>
    public string? CreatorVersion { get; init; }

    /// <summary>CustomDatas, written in the order given as <c>&lt;ofd:CustomData Name="…"&gt;value&lt;/ofd:CustomData&gt;</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CustomData { get; init; } = [];
}
