using System.Globalization;
using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>Issues a license version's documents: renders its OFD, has every party of its type's signature policy seal it in order, stores it.</summary>
internal sealed class LicenseDocumentIssuer(LicenseOfdRenderer renderer, SealRegistry seals, RegistryKeys keys, IObjectStore objects)
{
    /// <summary>What the QR code of a license carries until signed offline payloads exist: its 证照标识 as a URN, which 核验 accepts.</summary>
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

    /// <summary>Renders, seals and stores the OFD of one license version and returns its record (not yet saved).</summary>
    /// <exception cref="Errors.RegistryException">A signer has no valid seal, or the policy names an unknown department.</exception>
    public async Task<LicenseDocumentRecord> IssueOfdAsync(
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
        LicenseId id,
        string dataJson,
        DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var plan = SignerPlan.For(type, issuer, departments);
        var sealsInOrder = new List<Seals.Ses.SesSeal>(plan.Count);
        foreach (var signature in plan)
        {
            sealsInOrder.Add(await seals.ActiveSealAsync(signature.Department, signature.SealKind, makeDemoSeal: false, cancellationToken));
        }

        using var data = JsonDocument.Parse(dataJson);
        var rendered = renderer.Render(new LicenseRenderRequest
        {
            Type = type,
            LicenseId = id,
            Data = data.RootElement,
            IssuedAt = at,
            VerificationPayload = VerificationPayload(id),
        });

        // The last party seals the document whole: a registry-issued license is final, a change is a new version.
        var requests = plan.Select((signature, i) =>
        {
            var slot = rendered.SealSlots[i];
            var stamp = new StampPlacement(slot.PageId.ToString(CultureInfo.InvariantCulture), slot.Boundary.X, slot.Boundary.Y, slot.Boundary.Width, slot.Boundary.Height);
            return new OfdSealRequest(keys.ForDepartment(signature.Department), sealsInOrder[i], [stamp], at, ProtectWholeDocument: i == plan.Count - 1);
        }).ToList();
        var bytes = OfdSigner.Sign(rendered.Package, requests);

        var stored = await objects.PutAsync(bytes, cancellationToken);
        return new LicenseDocumentRecord
        {
            Format = "ofd",
            Origin = "issued",
            Sha256 = stored.Sha256,
            Sm3 = Convert.ToHexStringLower(Sm3.Hash(bytes)),
            Length = stored.Length,
            Signers = string.Join(',', plan.Select(p => p.Department.Code.Value)),
            CreatedAtUtc = at.UtcDateTime,
        };
    }
}
