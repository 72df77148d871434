using System.Xml.Linq;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>The GB/T 33190-2016 XML namespace and the fixed names of a package.</summary>
public static class OfdNames
{
    /// <summary>The namespace of every OFD element, http://www.ofdspec.org/2016.</summary>
    public static readonly XNamespace Namespace = "http://www.ofdspec.org/2016";

    /// <summary>The package's entry file (GB/T 33190 §7.3).</summary>
    public const string EntryFile = "OFD.xml";

    /// <summary>An element name in the OFD namespace.</summary>
    public static XName Element(string localName) => Namespace + localName;
}
