namespace ElectronicLicense.Licenses.Lifecycle;

/// <summary>The file format of a license document.</summary>
internal enum DocumentFormat
{
    /// <summary>OFD (GB/T 33190), the format the registry seals licenses in.</summary>
    Ofd,

    /// <summary>PDF (ISO 32000).</summary>
    Pdf,
}

/// <summary>Where a license document came from.</summary>
internal enum DocumentOrigin
{
    /// <summary>Rendered and sealed by the registry.</summary>
    Issued,

    /// <summary>A historical file the issuer pushed, kept as received.</summary>
    Pushed,
}

/// <summary>The names of document formats and origins as they are stored, shown and written in paths: lower-case ASCII.</summary>
internal static class DocumentNames
{
    /// <summary><c>ofd</c> or <c>pdf</c>.</summary>
    public static string Name(this DocumentFormat format) => format switch
    {
        DocumentFormat.Ofd => "ofd",
        DocumentFormat.Pdf => "pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a document format"),
    };

    /// <summary><c>issued</c> or <c>pushed</c>.</summary>
    public static string Name(this DocumentOrigin origin) => origin switch
    {
        DocumentOrigin.Issued => "issued",
        DocumentOrigin.Pushed => "pushed",
        _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "not a document origin"),
    };

    /// <summary>Reads a format name exactly as <see cref="Name(DocumentFormat)"/> writes it.</summary>
    public static bool TryParseFormat(string? name, out DocumentFormat format)
    {
        (var known, format) = name switch
        {
            "ofd" => (true, DocumentFormat.Ofd),
            "pdf" => (true, DocumentFormat.Pdf),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>Reads a stored format name.</summary>
    /// <exception cref="FormatException">The name is not one <see cref="Name(DocumentFormat)"/> writes.</exception>
    public static DocumentFormat ParseFormat(string name) =>
        TryParseFormat(name, out var format) ? format : throw new FormatException("A document format is ofd or pdf.");

    /// <summary>Reads a stored origin name.</summary>
    /// <exception cref="FormatException">The name is not one <see cref="Name(DocumentOrigin)"/> writes.</exception>
    public static DocumentOrigin ParseOrigin(string name) => name switch
    {
        "issued" => DocumentOrigin.Issued,
        "pushed" => DocumentOrigin.Pushed,
        _ => throw new FormatException("A document origin is issued or pushed."),
    };
}
