using System.Diagnostics.CodeAnalysis;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>Reads a PDF's document information dictionary (Title, Author, Subject, ...).</summary>
/// <remarks>
/// ISO 32000-1 §14.3.3: the trailer's /Info names it; the newest trailer is read, so an incremental update that replaced it
/// wins. Whether anything was changed after signing is the verifier's business (modifications-after-signing), not this reader's.
/// </remarks>
public static class PdfDocumentInfo
{
    /// <summary>The text entries of the document information dictionary; false when the PDF cannot be read or has none.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> pdf, [NotNullWhen(true)] out IReadOnlyDictionary<string, string>? entries)
    {
        entries = null;
        try
        {
            var file = PdfFile.Open(pdf);
            if (file.Trailer["Encrypt"] is not null || file.ResolveDictionary(file.Trailer["Info"]) is not { } info)
            {
                return false;
            }

            var read = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in info.Entries)
            {
                if (file.Resolve(value) is PdfString text)
                {
                    read[key] = text.ToText();
                }
            }

            entries = read;
            return true;
        }
        catch (Exception e) when (e is PdfFormatException or InvalidDataException or OverflowException or ArgumentException or IndexOutOfRangeException or InvalidCastException)
        {
            // As in PdfVerifier: hostile bytes give "cannot read", never an exception.
            return false;
        }
    }
}
