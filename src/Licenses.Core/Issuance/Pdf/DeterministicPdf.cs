using System.Globalization;
using System.Text;

namespace ElectronicLicense.Licenses.Issuance.Pdf;

/// <summary>Replaces the random names PDFsharp 6.5 writes on every save with names derived from the file identifier.</summary>
/// <remarks>
/// PDFsharp lets the caller set the trailer /ID and the Info dates, but on save it picks random XMP <c>xmpMM:DocumentID</c> /
/// <c>InstanceID</c> UUIDs and a random font subset tag (<c>/ABCDEF+Family</c>); neither is settable. Both sit in uncompressed
/// bytes (the XMP packet and the font dictionaries) and are replaced by text of the same length, so no offset, stream length or
/// cross-reference entry moves. A file that does not look as expected is returned unchanged rather than guessed at.
/// </remarks>
internal static class DeterministicPdf
{
    private const string XmpStart = "<x:xmpmeta";
    private const string XmpEnd = "</x:xmpmeta>";
    private const string Uuid = "uuid:";
    private const int UuidLength = 36;
    private const string BaseFont = "/BaseFont/";
    private const int TagLength = 6;

    /// <summary>Returns <paramref name="pdf"/> with the XMP UUIDs set from <paramref name="fileIdentifier"/> and the font subset tags derived from it.</summary>
    public static byte[] Fix(byte[] pdf, ReadOnlySpan<byte> fileIdentifier)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (fileIdentifier.Length != 16)
        {
            throw new ArgumentException("The file identifier must be 16 bytes.", nameof(fileIdentifier));
        }

        var result = (byte[])pdf.Clone();
        FixXmpUuids(result, fileIdentifier);
        FixSubsetTags(result, fileIdentifier);
        return result;
    }

    // XMP Part 1 §8.2.1: DocumentID names the document across versions, InstanceID this rendition; for a freshly made file both are
    // the file identifier, as trailer /ID's two halves are (ISO 32000-1 §14.4).
    private static void FixXmpUuids(byte[] pdf, ReadOnlySpan<byte> fileIdentifier)
    {
        var start = pdf.AsSpan().IndexOf(Encoding.ASCII.GetBytes(XmpStart));
        if (start < 0)
        {
            return;
        }

        var length = pdf.AsSpan(start).IndexOf(Encoding.ASCII.GetBytes(XmpEnd));
        if (length < 0)
        {
            return;
        }

        var packet = pdf.AsSpan(start, length);
        var uuid = Encoding.ASCII.GetBytes(new Guid(fileIdentifier, bigEndian: true).ToString("D", CultureInfo.InvariantCulture));
        var marker = Encoding.ASCII.GetBytes(Uuid);
        for (var at = packet.IndexOf(marker); at >= 0;)
        {
            var value = packet.Slice(at + marker.Length);
            if (value.Length >= UuidLength && Guid.TryParseExact(Encoding.ASCII.GetString(value[..UuidLength]), "D", out _))
            {
                uuid.CopyTo(value);
            }

            var next = packet[(at + marker.Length)..].IndexOf(marker);
            at = next < 0 ? -1 : at + marker.Length + next;
        }
    }

    // ISO 32000-1 §9.6.4: a subset's tag is six upper-case letters and a plus sign; any tag unique within the file is valid.
    private static void FixSubsetTags(byte[] pdf, ReadOnlySpan<byte> fileIdentifier)
    {
        var baseFont = Encoding.ASCII.GetBytes(BaseFont);
        var span = pdf.AsSpan();
        var tags = new List<byte[]>();
        for (var offset = span.IndexOf(baseFont); offset >= 0;)
        {
            var name = span.Slice(offset + baseFont.Length);
            if (name.Length > TagLength && name[TagLength] == (byte)'+' && name[..TagLength].IndexOfAnyExceptInRange((byte)'A', (byte)'Z') < 0)
            {
                var tag = name[..(TagLength + 1)].ToArray();
                if (!tags.Any(t => t.AsSpan().SequenceEqual(tag)))
                {
                    tags.Add(tag);
                }
            }

            var next = span[(offset + baseFont.Length)..].IndexOf(baseFont);
            offset = next < 0 ? -1 : offset + baseFont.Length + next;
        }

        for (var i = 0; i < tags.Count; i++)
        {
            var replacement = Tag(fileIdentifier, i);
            var pattern = (byte[])[(byte)'/', .. tags[i]];
            for (var at = span.IndexOf(pattern); at >= 0;)
            {
                replacement.CopyTo(span.Slice(at + 1));
                var next = span[(at + pattern.Length)..].IndexOf(pattern);
                at = next < 0 ? -1 : at + pattern.Length + next;
            }
        }
    }

    private static byte[] Tag(ReadOnlySpan<byte> fileIdentifier, int index)
    {
        var tag = new byte[TagLength + 1];
        for (var i = 0; i < TagLength; i++)
        {
            tag[i] = (byte)('A' + ((fileIdentifier[i] + (index * 7)) % 26));
        }

        tag[TagLength] = (byte)'+';
        return tag;
    }
}
