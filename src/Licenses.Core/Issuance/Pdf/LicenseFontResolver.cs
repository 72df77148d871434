using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PdfSharp.Fonts;

namespace ElectronicLicense.Licenses.Issuance.Pdf;

/// <summary>Serves PDFsharp the license fonts: each registered TrueType file becomes a family of its own.</summary>
/// <remarks>
/// PDFsharp has one font resolver per process (<see cref="GlobalFontSettings.FontResolver"/>, settable once, before any font is
/// used), while each renderer may be configured with its own <see cref="IssuanceOptions.FontPath"/>; so one instance is installed
/// by <see cref="PdfSharpSetup"/> and renderers register their file with it. Families are named after the file's full path, so
/// registering the same file twice is harmless and two files never share a name. Thread-safe.
/// </remarks>
internal sealed class LicenseFontResolver : IFontResolver
{
    private readonly ConcurrentDictionary<string, Lazy<byte[]>> faces = new(StringComparer.Ordinal);

    private LicenseFontResolver()
    {
    }

    /// <summary>The process's one instance.</summary>
    public static LicenseFontResolver Instance { get; } = new();

    /// <summary>Makes the font at <paramref name="path"/> available to PDFsharp and returns its family name for <c>XFont</c>.</summary>
    /// <exception cref="FileNotFoundException">The font is missing; the message names the package and the setting.</exception>
    public string Register(string path)
    {
        LicensePageLayout.ThrowIfFontMissing(path);
        var fullPath = Path.GetFullPath(path);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(fullPath));
        var family = "ElectronicLicense-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
        faces.GetOrAdd(family, _ => new Lazy<byte[]>(() => File.ReadAllBytes(fullPath), LazyThreadSafetyMode.ExecutionAndPublication));
        return family;
    }

    /// <inheritdoc/>
    /// <remarks>Bold and italic are never asked for by the license layout; they get the regular face without simulation.</remarks>
    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        faces.ContainsKey(familyName) ? new FontResolverInfo(familyName) : null;

    /// <inheritdoc/>
    public byte[]? GetFont(string faceName) => faces.TryGetValue(faceName, out var face) ? face.Value : null;
}
