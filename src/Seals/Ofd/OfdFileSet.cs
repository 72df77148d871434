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

    public byte[] Get(string path) => package.GetEntry(path).ToArray();

    public void Set(string path, byte[] bytes)
    {
        package = package.WithEntry(path, bytes);
        digests.Remove(path);
    }

    /// <summary>The SM3 of a file, computed once while the file is unchanged.</summary>
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
