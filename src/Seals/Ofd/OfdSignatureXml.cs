using System.Globalization;
using System.Xml.Linq;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>The signature XML files of GB/T 33190 §18: <c>Signatures.xml</c> (the list) and each <c>Signature.xml</c>.</summary>
internal static class OfdSignatureXml
{
    public static readonly XNamespace Ofd = "http://www.ofdspec.org/2016";

    /// <summary>One entry of Signatures.xml.</summary>
    public sealed record Entry(string Id, string Type, string BaseLoc);

    /// <summary>The parts of a Signature.xml the verifier needs.</summary>
    public sealed record SignatureFile(
        string? SignedValueLoc,
        string? ProviderName,
        string? SignatureMethod,
        string? SignatureDateTime,
        string CheckMethod,
        IReadOnlyList<(string FileRef, string CheckValue)> References,
        string? SealLoc,
        IReadOnlyList<(string PageRef, string Boundary)> StampAnnots);

    public static (List<Entry> Entries, long MaxSignId) ReadList(XDocument signatures)
    {
        var root = signatures.Root;
        if (root is null || root.Name != Ofd + "Signatures")
        {
            throw new OfdFormatException("The signature list's root element is not ofd:Signatures.");
        }

        var entries = root.Elements(Ofd + "Signature")
            .Select(e => new Entry(
                (string?)e.Attribute("ID") ?? throw new OfdFormatException("A Signature in Signatures.xml has no ID."),
                (string?)e.Attribute("Type") ?? "Seal", // GB/T 33190 Table 66: Type defaults to Seal.
                (string?)e.Attribute("BaseLoc") ?? throw new OfdFormatException("A Signature in Signatures.xml has no BaseLoc.")))
            .ToList();
        // ST_ID is numeric in GB/T 33190, but producers write forms like "s001": take the trailing digits, when any.
        var max = TrailingNumber((string?)root.Element(Ofd + "MaxSignId"));
        foreach (var entry in entries)
        {
            max = Math.Max(max, TrailingNumber(entry.Id));
        }

        return (entries, max);
    }

    private static long TrailingNumber(string? id)
    {
        if (id is null)
        {
            return 0;
        }

        var start = id.Length;
        while (start > 0 && char.IsAsciiDigit(id[start - 1]))
        {
            start--;
        }

        return long.TryParse(id.AsSpan(start), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    public static XDocument WriteList(IEnumerable<Entry> entries, long maxSignId) => new(
        new XDeclaration("1.0", "UTF-8", null),
        new XElement(Ofd + "Signatures", new XAttribute(XNamespace.Xmlns + "ofd", Ofd),
            entries.Select(e => new XElement(Ofd + "Signature",
                new XAttribute("ID", e.Id), new XAttribute("Type", e.Type), new XAttribute("BaseLoc", e.BaseLoc))),
            new XElement(Ofd + "MaxSignId", maxSignId.ToString(CultureInfo.InvariantCulture))));

    public static SignatureFile ReadSignature(XDocument document)
    {
        var root = document.Root;
        if (root is null || root.Name != Ofd + "Signature")
        {
            throw new OfdFormatException("The signature file's root element is not ofd:Signature.");
        }

        var info = root.Element(Ofd + "SignedInfo") ?? throw new OfdFormatException("The signature file has no SignedInfo.");
        var references = info.Element(Ofd + "References") ?? throw new OfdFormatException("The signature's SignedInfo has no References.");
        return new SignatureFile(
            ((string?)root.Element(Ofd + "SignedValue"))?.Trim(),
            (string?)info.Element(Ofd + "Provider")?.Attribute("ProviderName"),
            ((string?)info.Element(Ofd + "SignatureMethod"))?.Trim(),
            ((string?)info.Element(Ofd + "SignatureDateTime"))?.Trim(),
            // GB/T 33190 Table 69: CheckMethod is optional; MD5 is its nominal default, which we do not accept (see the verifier).
            ((string?)references.Attribute("CheckMethod"))?.Trim() ?? "MD5",
            references.Elements(Ofd + "Reference")
                .Select(r => (((string?)r.Attribute("FileRef"))?.Trim() ?? string.Empty, ((string?)r.Element(Ofd + "CheckValue"))?.Trim() ?? string.Empty))
                .ToList(),
            ((string?)info.Element(Ofd + "Seal")?.Element(Ofd + "BaseLoc"))?.Trim(),
            info.Elements(Ofd + "StampAnnot")
                .Select(s => ((string?)s.Attribute("PageRef") ?? string.Empty, (string?)s.Attribute("Boundary") ?? string.Empty))
                .ToList());
    }

    public static XDocument WriteSignature(
        string signedValueLoc,
        string provider,
        string providerVersion,
        DateTimeOffset time,
        IEnumerable<(string FileRef, byte[] Digest)> references,
        IEnumerable<(long Id, string PageRef, string Boundary)> stamps,
        string sealLoc)
    {
        // GB/T 33190 Table 67: SignedInfo = Provider, SignatureMethod, SignatureDateTime, References, StampAnnot*, Seal.
        var beijing = time.ToOffset(TimeSpan.FromHours(8));
        return new XDocument(
            new XDeclaration("1.0", "UTF-8", null),
            new XElement(Ofd + "Signature", new XAttribute(XNamespace.Xmlns + "ofd", Ofd),
                new XElement(Ofd + "SignedInfo",
                    new XElement(Ofd + "Provider", new XAttribute("ProviderName", provider), new XAttribute("Version", providerVersion), new XAttribute("Company", provider)),
                    new XElement(Ofd + "SignatureMethod", Pki.Oids.Sm2WithSm3),
                    new XElement(Ofd + "SignatureDateTime", beijing.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                    new XElement(Ofd + "References", new XAttribute("CheckMethod", "SM3"),
                        references.Select(r => new XElement(Ofd + "Reference", new XAttribute("FileRef", r.FileRef),
                            new XElement(Ofd + "CheckValue", Convert.ToBase64String(r.Digest))))),
                    stamps.Select(s => new XElement(Ofd + "StampAnnot",
                        new XAttribute("ID", s.Id.ToString(CultureInfo.InvariantCulture)), new XAttribute("PageRef", s.PageRef), new XAttribute("Boundary", s.Boundary))),
                    new XElement(Ofd + "Seal", new XElement(Ofd + "BaseLoc", sealLoc))),
                new XElement(Ofd + "SignedValue", signedValueLoc)));
    }
}
