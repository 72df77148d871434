using System.Xml.Linq;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>A package being signed or verified: an <see cref="OfdPackage"/> whose files can be replaced step by step.</summary>
internal sealed class OfdFileSet
{
    private readonly Dictionary<string, byte[]> digests = new(StringComparer.Ordinal);
    private OfdPackage package;

    private OfdFileSet(OfdPackage package) => this.package = package;

    public static OfdFileSet From(OfdPackage package) => new(package);

    public IReadOnlyList<string> Paths => package.Names.ToList();

    public bool Contains(string path) => package.Contains(path);

    public bool ContainsFolder(string folder) => package.Names.Any(n => n.StartsWith(folder, StringComparison.Ordinal));

    /// <summary>The bytes of a file, without a copy.</summary>
    public ReadOnlyMemory<byte> Get(string path) => package.GetEntry(path);

    public void Set(string path, byte[] bytes)
    {
        package = package.WithEntry(path, bytes);
        digests.Remove(path);
    }

    /// <summary>The SM3 of a file, computed once while the file is unchanged.</summary>
    /// <remarks>
    /// Verification checks each signature's references against these digests: a file that several signatures cover is
    /// hashed once per document, and every signature compares its own CheckValue with it. SM3 is the only digest accepted
    /// for references (and for dataHash), so one digest per file is kept.
    /// </remarks>
    public byte[] Sm3Of(string path)
    {
        if (!digests.TryGetValue(path, out var digest))
        {
            digest = Pki.Sm3.Hash(package.GetEntry(path).Span);
            digests[path] = digest;
        }

        return digest;
    }

    /// <exception cref="OfdFormatException">Missing or unacceptable XML.</exception>
    public XDocument LoadXml(string path) => package.LoadXml(path);

    public byte[] ToPackageBytes() => package.ToBytes();
}
