using ElectronicLicense.Licenses.Lifecycle;
using System.Globalization;
using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Issuance.Pdf;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>Issues a license version's documents: renders its OFD and its PDF, has every party of its type's signature policy seal each in order, stores them.</summary>
internal sealed class LicenseDocumentIssuer(LicenseOfdRenderer renderer, LicensePdfRenderer pdfRenderer, SealRegistry seals, RegistryKeys keys, IObjectStore objects)
{
    /// <summary>Bytes reserved per PDF signature for its CMS.</summary>
    /// <remarks>
    /// A registry CMS holds an ECDSA P-256 signature, the signed attributes, the department's certificate and the CA's, about
    /// 1.5 KB; the signer's 16 KB default is sized for RSA chains and would add 24 KB of zeros per party to every license.
    /// PdfSigner refuses a CMS larger than the reservation, so a change of keys cannot truncate a signature silently.
    /// </remarks>
    internal const int PdfContentsSize = 4096;

    /// <summary>Where the registry's PDF signatures say they were made (/Location).</summary>
    public const string SigningLocation = "重庆";

    /// <summary>The PDF signature field of the <paramref name="order"/>-th party (from 1): <c>seal{n}-{统一社会信用代码}</c>.</summary>
    public static string PdfFieldName(int order, Department department) =>
        string.Create(CultureInfo.InvariantCulture, $"seal{order}-{department.Code.Value}");

    /// <summary>What the QR code of a license carries when no signed offline payload is made for it: its 证照标识 as a URN, which 核验 accepts.</summary>
    public static string VerificationPayload(LicenseId id) => "urn:elic:license:" + id.Value;

    /// <summary>Why a license of this type from this issuer cannot be sealed now (an unknown co-signer, a missing seal), or null when it can.</summary>
    /// <remarks>With <paramref name="makeDemoSeals"/>, pending demo seals are made: call it so only outside a write transaction.</remarks>
    public async Task<Errors.RegistryException?> NotReadyAsync(
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
        bool makeDemoSeals,
        CancellationToken cancellationToken)
    {
        try
        {
            foreach (var signature in SignerPlan.For(type, issuer, departments))
            {
                await seals.ActiveSealAsync(signature.Department, signature.SealKind, makeDemoSeals, cancellationToken);
            }

            return null;
        }
        catch (Errors.RegistryException e)
        {
            return e;
        }
    }

    /// <summary>Renders, seals and stores the OFD and the PDF of one license version and returns their records (not yet saved), OFD first.</summary>
    /// <remarks>The QR code carries <c>verificationPayload</c>: the signed offline payload at 归集, else <see cref="VerificationPayload"/>.</remarks>
    /// <exception cref="Errors.RegistryException">A signer has no valid seal, or the policy names an unknown department.</exception>
    public Task<IReadOnlyList<LicenseDocumentRecord>> IssueAsync(
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
        LicenseId id,
        string dataJson,
        DateTimeOffset at,
        string verificationPayload,
        CancellationToken cancellationToken) =>
        IssueAsync(type, issuer, departments, id, dataJson, at, verificationPayload, pdf: true, cancellationToken);

    /// <summary>Renders, seals and stores the OFD alone and returns its record (not yet saved); for measuring OFD issuance by itself.</summary>
    /// <exception cref="Errors.RegistryException">A signer has no valid seal, or the policy names an unknown department.</exception>
    public async Task<LicenseDocumentRecord> IssueOfdAsync(
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
        LicenseId id,
        string dataJson,
        DateTimeOffset at,
        CancellationToken cancellationToken) =>
        (await IssueAsync(type, issuer, departments, id, dataJson, at, VerificationPayload(id), pdf: false, cancellationToken))[0];

    private async Task<IReadOnlyList<LicenseDocumentRecord>> IssueAsync(
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
        LicenseId id,
        string dataJson,
        DateTimeOffset at,
        string verificationPayload,
        bool pdf,
        CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(type, issuer, departments, cancellationToken);
        return await IssueAsync(plan, id, dataJson, at, at, verificationPayload, pdf, cancellationToken);
    }

    /// <summary>Who seals licenses of <paramref name="type"/> from <paramref name="issuer"/>, in order, with the seal each uses now.</summary>
    /// <remarks>Look it up once and issue many licenses with it: the seals are read once, not once per license.</remarks>
    /// <exception cref="Errors.RegistryException">A signer has no valid seal, or the policy names an unknown department.</exception>
    public async Task<SealingPlan> PlanAsync(
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
        CancellationToken cancellationToken)
    {
        var signatures = SignerPlan.For(type, issuer, departments);
        var sealsInOrder = new List<Seals.Ses.SesSeal>(signatures.Count);
        foreach (var signature in signatures)
        {
            sealsInOrder.Add(await seals.ActiveSealAsync(signature.Department, signature.SealKind, makeDemoSeal: false, cancellationToken));
        }

        return new SealingPlan(type, signatures, sealsInOrder);
    }

    /// <summary>Renders, seals (with <paramref name="plan"/>'s seals) and stores the OFD, then the PDF when asked, and returns their records (not yet saved).</summary>
    /// <param name="plan">The type's parties and seals, from <see cref="PlanAsync"/>.</param>
    /// <param name="id">The version's 证照标识.</param>
    /// <param name="dataJson">The version's stored data.</param>
    /// <param name="issuedAt">When the version was stored: the issue instant the page shows.</param>
    /// <param name="signedAt">When the parties sign: now.</param>
    /// <param name="verificationPayload">What the QR code carries.</param>
    /// <param name="pdf">Whether to make the PDF as well.</param>
    /// <param name="cancellationToken">Stops before storing.</param>
    public async Task<IReadOnlyList<LicenseDocumentRecord>> IssueAsync(
        SealingPlan plan,
        LicenseId id,
        string dataJson,
        DateTimeOffset issuedAt,
        DateTimeOffset signedAt,
        string verificationPayload,
        bool pdf,
        CancellationToken cancellationToken)
    {
        using var data = JsonDocument.Parse(dataJson);
        var request = new LicenseRenderRequest
        {
            Type = plan.Type,
            LicenseId = id,
            Data = data.RootElement,
            IssuedAt = issuedAt,
            VerificationPayload = verificationPayload,
        };
        var signers = string.Join(',', plan.Signatures.Select(p => p.Department.Code.Value));
        var records = new List<LicenseDocumentRecord>(2)
        {
            await StoreAsync(DocumentFormat.Ofd, SealOfd(renderer.Render(request), plan.Signatures, plan.Seals, signedAt), signers, signedAt, cancellationToken),
        };
        if (pdf)
        {
            records.Add(await StoreAsync(DocumentFormat.Pdf, SealPdf(pdfRenderer.Render(request), plan.Signatures, plan.Seals, signedAt), signers, signedAt, cancellationToken));
        }

        return records;
    }

    private byte[] SealOfd(RenderedLicense rendered, IReadOnlyList<PlannedSignature> plan, IReadOnlyList<Seals.Ses.SesSeal> sealsInOrder, DateTimeOffset at)
    {
        // The last party seals the document whole: a registry-issued license is final, a change is a new version.
        var requests = plan.Select((signature, i) =>
        {
            var slot = rendered.SealSlots[i];
            var stamp = new StampPlacement(slot.PageId.ToString(CultureInfo.InvariantCulture), slot.Boundary.X, slot.Boundary.Y, slot.Boundary.Width, slot.Boundary.Height);
            return new OfdSealRequest(keys.ForDepartment(signature.Department), sealsInOrder[i], [stamp], at, ProtectWholeDocument: i == plan.Count - 1);
        }).ToList();
        return OfdSigner.Sign(rendered.Package, requests);
    }

    /// <summary>Signs the PDF once per party, in policy order, each an incremental update showing the party's seal picture at its slot.</summary>
    /// <remarks>
    /// The first signature certifies the document (DocMDP P=2), so the later parties may only sign; each signature covers the
    /// file as it was when made, and the last one the whole document.
    /// </remarks>
    internal byte[] SealPdf(RenderedPdf rendered, IReadOnlyList<PlannedSignature> plan, IReadOnlyList<Seals.Ses.SesSeal> sealsInOrder, DateTimeOffset at)
    {
        var bytes = rendered.Pdf;
        for (var i = 0; i < plan.Count; i++)
        {
            var signature = plan[i];
            var slot = rendered.SealSlots[i];
            bytes = PdfSigner.Sign(bytes, new PdfSignatureRequest
            {
                Key = keys.PdfSignerFor(signature.Department),
                FieldName = PdfFieldName(signature.Order, signature.Department),
                SigningTime = at,
                Reason = signature.Reason,
                Location = SigningLocation,
                SignerName = signature.Department.Name,
                Certify = i == 0,
                ContentsSize = PdfContentsSize,
                Appearance = new PdfSealAppearance
                {
                    PageIndex = slot.PageIndex,
                    X = slot.Rectangle.Left,
                    Y = slot.Rectangle.Bottom,
                    Width = slot.Rectangle.Width,
                    Height = slot.Rectangle.Height,
                    Png = sealsInOrder[i].PictureData,
                },
            });
        }

        return bytes;
    }

    private async Task<LicenseDocumentRecord> StoreAsync(DocumentFormat format, byte[] bytes, string signers, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var stored = await objects.PutAsync(bytes, cancellationToken);
        return new LicenseDocumentRecord
        {
            Format = format,
            Origin = DocumentOrigin.Issued,
            Sha256 = stored.Sha256,
            Sm3 = Convert.ToHexStringLower(Sm3.Hash(bytes)),
            Length = stored.Length,
            Signers = signers,
            CreatedAtUtc = at.UtcDateTime,
        };
    }
}

/// <summary>The parties that seal one type's licenses from one issuer, in signing order, and the active seal of each.</summary>
internal sealed record SealingPlan(LicenseType Type, IReadOnlyList<PlannedSignature> Signatures, IReadOnlyList<Seals.Ses.SesSeal> Seals);
