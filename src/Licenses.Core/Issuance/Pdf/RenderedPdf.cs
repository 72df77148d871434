using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Seals.Ofd;

namespace ElectronicLicense.Licenses.Issuance.Pdf;

/// <summary>A rendered, unsigned license as PDF.</summary>
/// <param name="Pdf">The file.</param>
/// <param name="SealSlots">One empty slot per entry of the type's signature policy, in policy order.</param>
/// <param name="QrCode">Where the verification QR code is drawn (page 0).</param>
internal sealed record RenderedPdf(byte[] Pdf, IReadOnlyList<PdfSealSlot> SealSlots, PdfPageRectangle QrCode);

/// <summary>Where one seal of the signature policy goes: the signer draws the seal as its signature widget's appearance there.</summary>
/// <param name="Index">Position in <see cref="LicenseType.Signatures"/> (0 = the issuer).</param>
/// <param name="Requirement">The policy entry: signer, seal kind, reason.</param>
/// <param name="PageIndex">0-based page.</param>
/// <param name="Rectangle">The seal's square (the widget's /Rect); the seal is a circle filling it, as in the OFD.</param>
internal sealed record PdfSealSlot(int Index, SignatureRequirement Requirement, int PageIndex, PdfPageRectangle Rectangle);

/// <summary>A rectangle in PDF user space: points (1/72 in), origin at the page's bottom-left corner, y upwards.</summary>
internal readonly record struct PdfPageRectangle(double Left, double Bottom, double Width, double Height)
{
    /// <summary>Points per millimetre.</summary>
    public const double PointsPerMillimetre = 72 / 25.4;

    /// <summary>The right edge.</summary>
    public double Right => Left + Width;

    /// <summary>The top edge.</summary>
    public double Top => Bottom + Height;

    /// <summary>The rectangle of an OFD-style box (millimetres, origin top-left, y downwards) on a page <paramref name="pageHeight"/> mm high.</summary>
    public static PdfPageRectangle FromMillimetres(OfdBox box, double pageHeight) => new(
        box.X * PointsPerMillimetre,
        (pageHeight - box.Bottom) * PointsPerMillimetre,
        box.Width * PointsPerMillimetre,
        box.Height * PointsPerMillimetre);

    /// <summary>Whether the interiors intersect (touching edges do not count).</summary>
    public bool Overlaps(PdfPageRectangle other) => Left < other.Right && other.Left < Right && Bottom < other.Top && other.Bottom < Top;

    /// <summary>The corners as a PDF rectangle array's numbers: llx lly urx ury.</summary>
    public override string ToString() => FormattableString.Invariant($"[{Left:0.###} {Bottom:0.###} {Right:0.###} {Top:0.###}]");
}
