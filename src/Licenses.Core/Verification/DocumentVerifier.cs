using System.Text.RegularExpressions;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>Verifies a signed document with what the registry trusts and knows: its CA and the configured other CAs, the seal makers it accepts (互认), its certificate revocation list, its revoked seals, and the license type's signature policy.</summary>
/// <remarks>The document report only; matching the file against registered licenses and their status is the 核验 service's job.</remarks>
public sealed partial class DocumentVerifier
{
    private readonly RegistryKeys keys;
    private readonly SealRegistry seals;
    private readonly LicenseCatalog catalog;
    private readonly DepartmentDirectory departments;
    private readonly TimeProvider clock;

    internal DocumentVerifier(RegistryKeys keys, SealRegistry seals, LicenseCatalog catalog, DepartmentDirectory departments, TimeProvider clock)
    {
        this.keys = keys;
        this.seals = seals;
        this.catalog = catalog;
        this.departments = departments;
        this.clock = clock;
    }

    /// <summary>Verifies an OFD file; malformed input gives a TOTAL-FAILED report, never an exception.</summary>
    public async Task<DocumentReport> VerifyOfdAsync(ReadOnlyMemory<byte> ofd, CancellationToken cancellationToken = default)
    {
        var report = OfdVerifier.Verify(ofd, new OfdVerificationOptions
        {
            Signers = keys.SignerValidator(),
            SealMakers = keys.SealMakerValidator(),
            SealRevocations = await seals.RevocationsAsync(cancellationToken),
            Clock = clock,
        });
        if (report.Signatures.Count == 0 || !OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out _))
        {
            return report;
        }

        if (!package.TryLoadXml("OFD.xml", out var ofdXml, out _))
        {
            return report;
        }

        var custom = ofdXml.Descendants(OfdNames.Namespace + "CustomData")
            .GroupBy(e => (string?)e.Attribute("Name") ?? string.Empty)
            .ToDictionary(g => g.Key, g => g.First().Value.Trim(), StringComparer.Ordinal);
        var policy = custom.TryGetValue(MetadataNames.TypeCode, out var typeText) && custom.TryGetValue(MetadataNames.IssuerCode, out var issuerText)
            ? await PolicyCheckAsync(typeText, issuerText, report, cancellationToken)
            : new CheckResult("signature-policy", CheckOutcome.NotApplicable, "the document does not name a license type and issuer, so no signature policy applies");
        return WithCheck(report, policy);
    }

    /// <summary>Verifies a PDF file: every signature against the registry's CA and revocation list, then the license type's signature policy; malformed input gives a TOTAL-FAILED report, never an exception.</summary>
    /// <remarks>
    /// The registry's PDFs name their license in the document information's Subject (the 证照标识), which carries the type
    /// code and the issuer; signers are mapped to departments by their certificate's serialNumber (统一社会信用代码), as for OFD.
    /// PDFs carry no e-seal structure, so there are no seal-maker or seal-revocation checks.
    /// </remarks>
    public async Task<DocumentReport> VerifyPdfAsync(ReadOnlyMemory<byte> pdf, CancellationToken cancellationToken = default)
    {
        var report = PdfVerifier.Verify(pdf, new PdfVerificationOptions
        {
            Signers = keys.SignerValidator(),
            Clock = clock,
        });
        if (report.Signatures.Count == 0)
        {
            return report;
        }

        var policy = PdfDocumentInfo.TryRead(pdf, out var info) && info.TryGetValue("Subject", out var subject)
            && LicenseId.TryParse(subject.Trim(), out var licenseId, out _)
            ? await PolicyCheckAsync(licenseId.TypeCode.Value, licenseId.Issuer.Value, report, cancellationToken)
            : new CheckResult("signature-policy", CheckOutcome.NotApplicable, "the document's Subject is not a 证照标识, so no signature policy applies");
        return WithCheck(report, policy);
    }

    private static DocumentReport WithCheck(DocumentReport report, CheckResult check)
    {
        var checks = report.DocumentChecks.Append(check).ToList();
        var (indication, sub) = DocumentReport.Conclude(report.Signatures, checks);
        return report with { DocumentChecks = checks, Indication = indication, SubIndication = sub };
    }

    /// <summary>Whether the signers, in order, are the parties the license type's policy names: out-of-order, missing or unauthorised signers fail.</summary>
    private async Task<CheckResult> PolicyCheckAsync(string typeText, string issuerText, DocumentReport report, CancellationToken cancellationToken)
    {

        if (!LicenseTypeCode.TryParse(typeText, out var typeCode, out _) || !catalog.TryGet(typeCode, out var type))
        {
            return new CheckResult("signature-policy", CheckOutcome.Indeterminate, $"license type {typeText} is not in this registry's catalog", SubIndication.SigConstraintsFailure);
        }

        var all = (await departments.ListAsync(cancellationToken)).ToDictionary(d => d.Code);
        var issuer = all.Values.FirstOrDefault(d => d.Code.Value == issuerText);
        if (issuer is null || !type.IsIssuer(issuer.Code))
        {
            return new CheckResult("signature-policy", CheckOutcome.Failed, $"{issuerText} is not an authorised issuer of {type.Name}", SubIndication.SigConstraintsFailure);
        }

        IReadOnlyList<PlannedSignature> plan;
        try
        {
            plan = SignerPlan.For(type, issuer, all);
        }
        catch (RegistryException e)
        {
            return new CheckResult("signature-policy", CheckOutcome.Indeterminate, e.Message, SubIndication.SigConstraintsFailure);
        }

        var actual = report.Signatures.Select(s => s.Signer is { } subject && SerialNumber().Match(subject) is { Success: true } m ? m.Groups[1].Value : "?").ToList();
        for (var i = 0; i < Math.Max(plan.Count, actual.Count); i++)
        {
            if (i >= actual.Count)
            {
                return new CheckResult("signature-policy", CheckOutcome.Failed,
                    $"{type.Name} needs {plan.Count} signatures; signature {i + 1} ({plan[i].Department.Name}, {plan[i].SealKind}) is missing", SubIndication.SigConstraintsFailure);
            }

            if (i >= plan.Count)
            {
                return new CheckResult("signature-policy", CheckOutcome.Failed,
                    $"signature {i + 1} ({actual[i]}) is not one {type.Name}'s policy allows: it names {plan.Count} signers", SubIndication.SigConstraintsFailure);
            }

            if (actual[i] != plan[i].Department.Code.Value)
            {
                var elsewhere = plan.FirstOrDefault(p => p.Department.Code.Value == actual[i]);
                return new CheckResult("signature-policy", CheckOutcome.Failed, elsewhere is null
                    ? $"signature {i + 1} is by {actual[i]}, who is not a signer of {type.Name}; the policy wants {plan[i].Department.Name} here"
                    : $"signature {i + 1} is by {elsewhere.Department.Name}, which the policy puts at position {elsewhere.Order}: signed out of order", SubIndication.SigConstraintsFailure);
            }
        }

        return new CheckResult("signature-policy", CheckOutcome.Passed,
            $"signed by every party {type.Name}'s policy names, in order: {string.Join(" → ", plan.Select(p => p.Department.Name))}");
    }

    [GeneratedRegex(@"SERIALNUMBER=([0-9A-Z]{18})", RegexOptions.CultureInvariant)]
    private static partial Regex SerialNumber();
}
