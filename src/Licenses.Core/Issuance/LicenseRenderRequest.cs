using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Seals.Ofd;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>One license version to render: plain data, independent of how it is stored.</summary>
internal sealed class LicenseRenderRequest
{
    /// <summary>The license's type: name, display order, signature policy.</summary>
    public required LicenseType Type { get; init; }

    /// <summary>This version's 证照标识 (it carries the version number).</summary>
    public required LicenseId LicenseId { get; init; }

    /// <summary>The version's data as stored (<see cref="Registry.LicenseVersionView.Data"/>): national metadata and 照面.</summary>
    public required JsonElement Data { get; init; }

    /// <summary>When the version was issued; the document's CreationDate, so rendering the same version again gives the same bytes.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>The text the QR code carries, e.g. a verification URL; chosen by the caller.</summary>
    public required string VerificationPayload { get; init; }

    /// <summary>The QR code of <see cref="VerificationPayload"/>, encoded once: the OFD and the PDF of a version draw the same one.</summary>
    /// <remarks>Encoding a signed payload (QR version 11–15) takes 2–3 ms, a tenth of issuing both documents.</remarks>
    public QrMatrix QrCode => qrCode ??= LicensePageLayout.EncodeQr(VerificationPayload);

    private QrMatrix? qrCode;
}

/// <summary>Where one seal of the signature policy goes: the signer applies a StampAnnot with this page and boundary.</summary>
/// <param name="Index">Position in <see cref="LicenseType.Signatures"/> (0 = the issuer).</param>
/// <param name="Requirement">The policy entry: signer, seal kind, reason.</param>
/// <param name="PageIndex">0-based page.</param>
/// <param name="PageId">The page's ID in Document.xml (StampAnnot PageRef).</param>
/// <param name="Boundary">The seal's square in mm on the page (StampAnnot Boundary); the seal is a 42 mm circle inside it.</param>
internal sealed record SealSlot(int Index, SignatureRequirement Requirement, int PageIndex, int PageId, OfdBox Boundary);

/// <summary>A rendered, unsigned license.</summary>
/// <param name="Package">The OFD package; <see cref="OfdPackage.ToBytes"/> gives the file.</param>
/// <param name="SealSlots">One slot per entry of the type's signature policy, in policy order.</param>
/// <param name="QrCodeBoundary">Where the verification QR code is drawn.</param>
internal sealed record RenderedLicense(OfdPackage Package, IReadOnlyList<SealSlot> SealSlots, OfdBox QrCodeBoundary);
