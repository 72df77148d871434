using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>A seal the verifier's registry has revoked.</summary>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="Reason">Why.</param>
public sealed record SealRevocation(DateTimeOffset RevokedAt, string Reason);

/// <summary>What the OFD verifier trusts and knows.</summary>
public sealed class OfdVerificationOptions
{
    /// <summary>Validates signer certificates (chain, validity at signing time, revocation); null means no anchors, so every chain is unknown.</summary>
    public CertificateValidator? Signers { get; init; }

    /// <summary>Validates seal makers' (制章) certificates: ours and those of entities whose seals we accept (互认).</summary>
    public CertificateValidator? SealMakers { get; init; }

    /// <summary>Certificates to try for signatures that do not carry their signer's certificate (Type="Sign" with a bare signature value).</summary>
    public IReadOnlyList<X509Certificate2> KnownSignerCertificates { get; init; } = [];

    /// <summary>Looks up a seal's revocation in the registry by 印章编码; null when not revoked or unknown.</summary>
    public Func<string, SealRevocation?>? SealRevocations { get; init; }

    /// <summary>Limits on the package read from outside.</summary>
    public OfdReadLimits Limits { get; init; } = OfdReadLimits.Default;

    /// <summary>The time "now" for reporting what has expired since signing.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>Verifies every signature of an OFD document and says precisely what holds and what does not.</summary>
public static class OfdVerifier
{
    /// <summary>Verifies an OFD file; malformed input gives a TOTAL-FAILED report with FORMAT_FAILURE, never an exception.</summary>
    public static DocumentReport Verify(ReadOnlyMemory<byte> ofd, OfdVerificationOptions? options = null)
    {
        options ??= new OfdVerificationOptions();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(ofd.Span));
        var sm3 = Convert.ToHexStringLower(Sm3.Hash(ofd.Span));
        if (!OfdPackage.TryOpen(ofd, options.Limits, out var package, out var error))
        {
            return Failed(sha256, sm3, new CheckResult("package", CheckOutcome.Failed, error ?? "not an OFD package", SubIndication.FormatFailure));
        }

        try
        {
            return Verify(OfdFileSet.From(package), sha256, sm3, options);
        }
        catch (OfdFormatException e)
        {
            return Failed(sha256, sm3, new CheckResult("structure", CheckOutcome.Failed, e.Message, SubIndication.FormatFailure));
        }
    }

    private static DocumentReport Failed(string sha256, string sm3, CheckResult check) =>
        new("ofd", sha256, sm3, [], [check], Indication.TotalFailed, check.SubIndication);

    private static DocumentReport Verify(OfdFileSet files, string sha256, string sm3, OfdVerificationOptions options)
    {
        var documentChecks = new List<CheckResult> { new("package", CheckOutcome.Passed, $"OFD package with {files.Paths.Count} files read within the safety limits") };
        var ofdXml = files.LoadXml("OFD.xml");
        var docBody = ofdXml.Root?.Element(OfdSignatureXml.Ofd + "DocBody") ?? throw new OfdFormatException("OFD.xml has no DocBody.");
        var signaturesLoc = (string?)docBody.Element(OfdSignatureXml.Ofd + "Signatures");
        var leftovers = files.Paths.Where(IsSignatureFile).ToList();
        if (signaturesLoc is null)
        {
            // Signature files with no list pointing at them: the list (or OFD.xml's link to it) was removed or damaged.
            documentChecks.Add(leftovers.Count == 0
                ? new CheckResult("signatures", CheckOutcome.Indeterminate, "the document has no signatures", SubIndication.SignedDataNotFound)
                : new CheckResult("signatures", CheckOutcome.Failed, $"OFD.xml names no signature list, yet the package holds signature files ({OfdPath.ToAbsolute(leftovers[0])})", SubIndication.FormatFailure));
            return Conclude(sha256, sm3, [], documentChecks);
        }

        var signaturesPath = OfdPath.Resolve(string.Empty, signaturesLoc.Trim());
        if (!files.Contains(signaturesPath))
        {
            documentChecks.Add(new CheckResult("signatures", CheckOutcome.Failed, $"OFD.xml names {OfdPath.ToAbsolute(signaturesPath)}, which is missing", SubIndication.FormatFailure));
            return Conclude(sha256, sm3, [], documentChecks);
        }

        var (entries, _) = OfdSignatureXml.ReadList(files.LoadXml(signaturesPath));
        var reports = new List<SignatureReport>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var signatureFiles = new HashSet<string>(StringComparer.Ordinal) { signaturesPath };
        foreach (var (entry, index) in entries.Select((e, i) => (e, i)))
        {
            reports.Add(VerifyOne(files, signaturesPath, entry, index, options, covered, signatureFiles));
        }

        // A signature removed from the list leaves its files behind: that is tampering, not an unsigned addition.
        var unlisted = leftovers.Where(p => !signatureFiles.Contains(p)).ToList();
        if (unlisted.Count > 0)
        {
            documentChecks.Add(new CheckResult("unlisted-signatures", CheckOutcome.Failed,
                $"signature files the signature list does not name (a signature was removed from the list): {string.Join(", ", unlisted.Select(OfdPath.ToAbsolute))}",
                SubIndication.FormatFailure));
        }

        // Files no signature covers: harmless unless something signed refers to them, but the verifier must say they were added.
        var uncovered = files.Paths.Where(p => !covered.Contains(p) && !signatureFiles.Contains(p)).ToList();
        documentChecks.Add(uncovered.Count == 0
            ? new CheckResult("uncovered-files", CheckOutcome.Passed, "every file is covered by a signature (or is a signature's own file)")
            : new CheckResult("uncovered-files", CheckOutcome.Warning,
                $"{uncovered.Count} file(s) not covered by any signature, added after signing: {string.Join(", ", uncovered.Take(10).Select(OfdPath.ToAbsolute))}"));
        return Conclude(sha256, sm3, reports, documentChecks);
    }

    private static DocumentReport Conclude(string sha256, string sm3, IReadOnlyList<SignatureReport> reports, List<CheckResult> documentChecks)
    {
        var (indication, sub) = DocumentReport.Conclude(reports, documentChecks);
        return new DocumentReport("ofd", sha256, sm3, reports, documentChecks, indication, sub);
    }

    private static bool IsSignatureFile(string path) =>
        path.EndsWith("/Signature.xml", StringComparison.Ordinal) || path.EndsWith("/SignedValue.dat", StringComparison.Ordinal);

    private static SignatureReport VerifyOne(
        OfdFileSet files,
        string signaturesPath,
        OfdSignatureXml.Entry entry,
        int index,
        OfdVerificationOptions options,
        HashSet<string> coveredByAny,
        HashSet<string> signatureFiles)
    {
        var checks = new List<CheckResult>();
        string id = entry.BaseLoc;
        string? signer = null;
        DateTimeOffset? time = null;
        SealSummary? sealSummary = null;
        var coverage = "nothing";

        SignatureReport Report()
        {
            var (indication, sub) = DocumentReport.Conclude(checks);
            return new SignatureReport(index, id, signer, time, sealSummary, checks, indication, sub, coverage);
        }

        if (!OfdPath.TryResolve(OfdPath.FolderOf(signaturesPath), entry.BaseLoc, out var signaturePath) || !files.Contains(signaturePath))
        {
            checks.Add(new CheckResult("signature-file", CheckOutcome.Failed, $"signature file {entry.BaseLoc} is missing", SubIndication.SignedDataNotFound));
            return Report();
        }

        id = OfdPath.ToAbsolute(signaturePath);
        signatureFiles.Add(signaturePath);
        OfdSignatureXml.SignatureFile xml;
        try
        {
            xml = OfdSignatureXml.ReadSignature(files.LoadXml(signaturePath));
        }
        catch (OfdFormatException e)
        {
            checks.Add(new CheckResult("signature-file", CheckOutcome.Failed, e.Message, SubIndication.FormatFailure));
            return Report();
        }

        var folder = OfdPath.FolderOf(signaturePath);
        string? signedValuePath = null;
        if (xml.SignedValueLoc is null || !OfdPath.TryResolve(folder, xml.SignedValueLoc, out signedValuePath) || !files.Contains(signedValuePath))
        {
            checks.Add(new CheckResult("signed-value", CheckOutcome.Failed, "SignedValue is missing", SubIndication.FormatFailure));
            return Report();
        }

        signatureFiles.Add(signedValuePath);
        if (xml.SealLoc is not null && OfdPath.TryResolve(folder, xml.SealLoc, out var sealFile))
        {
            signatureFiles.Add(sealFile);
        }

        CheckReferences(files, folder, xml, checks, coveredByAny, signaturesPath, ref coverage);
        var signedValue = files.Get(signedValuePath);
        if (string.Equals(entry.Type, "Sign", StringComparison.OrdinalIgnoreCase))
        {
            VerifyBareSignature(files.Get(signaturePath), signedValue, xml, options, checks, ref signer, ref time);
            return Report();
        }

        // GB/T 38540 7.2: SignedValue.dat of a seal signature is a DER SES_Signature.
        if (!SesSignature.TryDecode(signedValue, out var ses, out var sesError))
        {
            checks.Add(new CheckResult("ses-signature", CheckOutcome.Failed, "SignedValue.dat is not an SES_Signature: " + sesError, SubIndication.FormatFailure));
            return Report();
        }

        time = ses.TimeInfo;
        signer = ses.SignerCertificate.Subject;
        if (ses.TimeInfo is null)
        {
            checks.Add(new CheckResult("signing-time", CheckOutcome.Indeterminate, "the signature's time cannot be read, so validity at signing cannot be judged", SubIndication.FormatFailure));
        }

        checks.Add(new CheckResult("ses-signature", CheckOutcome.Passed, $"GB/T 38540 SES_Signature version {ses.Version}"));

        // GB/T 38540 7.2: dataHash is the SM3 of the signature file named by propertyInfo. Later signatures cover this file
        // too, so its digest is the one their references are checked against.
        checks.Add(ses.DataHash.Span.SequenceEqual(files.Sm3Of(signaturePath))
            ? new CheckResult("data-hash", CheckOutcome.Passed, "TBS_Sign.dataHash equals the SM3 of Signature.xml")
            : new CheckResult("data-hash", CheckOutcome.Failed, "TBS_Sign.dataHash differs from the SM3 of Signature.xml: the signature file was changed", SubIndication.HashFailure));
        checks.Add(OfdPath.TryResolve(string.Empty, ses.PropertyInfo, out var propertyPath) && propertyPath == signaturePath
            ? new CheckResult("property-info", CheckOutcome.Passed, $"propertyInfo names {ses.PropertyInfo}")
            : new CheckResult("property-info", CheckOutcome.Failed, $"propertyInfo names '{ses.PropertyInfo}', not this signature file", SubIndication.FormatFailure));
        checks.Add(ses.VerifySignature()
            ? new CheckResult("signature-value", CheckOutcome.Passed, $"SM2 signature over TBS_Sign verifies with the signer's certificate ({signer})")
            : new CheckResult("signature-value", CheckOutcome.Failed, "the SM2 signature over TBS_Sign does not verify", SubIndication.SigCryptoFailure));

        var signingTime = ses.TimeInfo ?? options.Clock.GetUtcNow();
        CheckSeal(files, folder, xml, ses, signingTime, options, checks, ref sealSummary);
        checks.Add(CertificateCheck("signer-certificate", ses.SignerCertificate, signingTime, options.Signers, options.Clock));
        return Report();
    }

    private static void CheckReferences(
        OfdFileSet files,
        string folder,
        OfdSignatureXml.SignatureFile xml,
        List<CheckResult> checks,
        HashSet<string> coveredByAny,
        string signaturesPath,
        ref string coverage)
    {
        // Later signatures cover the same files again: each file is hashed once per verification.
        static byte[] Digest(OfdFileSet files, string path) => files.Sm3Of(path);

        // GB/T 33190 §18.2.2: CheckMethod names the digest; implementations write "SM3" or its OID.
        if (xml.CheckMethod is not ("SM3" or "sm3" or Oids.Sm3))
        {
            checks.Add(new CheckResult("check-method", CheckOutcome.Failed, $"digest method '{xml.CheckMethod}' is not accepted (SM3 is required)", SubIndication.CryptoConstraintsFailure));
            return;
        }

        var covered = new List<string>();
        var failures = 0;
        foreach (var (fileRef, checkValue) in xml.References)
        {
            if (!OfdPath.TryResolve(folder, fileRef, out var path) || !files.Contains(path))
            {
                failures++;
                checks.Add(new CheckResult($"reference:{fileRef}", CheckOutcome.Failed, $"{fileRef} is signed but missing from the package", SubIndication.HashFailure));
                continue;
            }

            covered.Add(path);
            coveredByAny.Add(path);
            byte[]? expected = null;
            try
            {
                expected = Convert.FromBase64String(checkValue);
            }
            catch (FormatException)
            {
            }

            if (expected is null || !expected.AsSpan().SequenceEqual(Digest(files, path)))
            {
                failures++;
                checks.Add(new CheckResult($"reference:{OfdPath.ToAbsolute(path)}", CheckOutcome.Failed, $"{OfdPath.ToAbsolute(path)} was changed after signing (SM3 differs)", SubIndication.HashFailure));
            }
            else
            {
                checks.Add(new CheckResult($"reference:{OfdPath.ToAbsolute(path)}", CheckOutcome.Passed, "SM3 digest matches"));
            }
        }

        if (covered.Count == 0)
        {
            checks.Add(new CheckResult("references", CheckOutcome.Failed, "the signature covers no file", SubIndication.SignedDataNotFound));
        }

        var wholeDocument = covered.Contains(signaturesPath);
        coverage = $"{covered.Count} files{(wholeDocument ? ", including Signatures.xml (document sealed whole)" : string.Empty)}; {failures} changed or missing";
    }

    private static void VerifyBareSignature(
        ReadOnlyMemory<byte> signatureXml,
        ReadOnlyMemory<byte> signedValue,
        OfdSignatureXml.SignatureFile xml,
        OfdVerificationOptions options,
        List<CheckResult> checks,
        ref string? signer,
        ref DateTimeOffset? time)
    {
        // Type="Sign" as written by ofdrw and others: a bare SM2 signature over Signature.xml; the certificate is not in the file.
        if (DateTimeOffset.TryParseExact(xml.SignatureDateTime, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
        }

        var method = xml.SignatureMethod ?? Oids.Sm2WithSm3;
        var match = options.KnownSignerCertificates.FirstOrDefault(c => SignatureVerifier.Verify(c, method, signatureXml.Span, signedValue.Span));
        if (match is null)
        {
            checks.Add(options.KnownSignerCertificates.Count == 0
                ? new CheckResult("signature-value", CheckOutcome.Indeterminate, "a digital signature (Type=\"Sign\") without its certificate: supply the signer's certificate to check it", SubIndication.NoSigningCertificateFound)
                : new CheckResult("signature-value", CheckOutcome.Indeterminate, "the signature verifies with none of the supplied certificates", SubIndication.NoSigningCertificateFound));
            return;
        }

        signer = match.Subject;
        checks.Add(new CheckResult("signature-value", CheckOutcome.Passed, $"SM2 signature over Signature.xml verifies with the supplied certificate ({signer})"));
        checks.Add(CertificateCheck("signer-certificate", match, time ?? options.Clock.GetUtcNow(), options.Signers, options.Clock));
    }

    private static void CheckSeal(
        OfdFileSet files,
        string folder,
        OfdSignatureXml.SignatureFile xml,
        SesSignature ses,
        DateTimeOffset signingTime,
        OfdVerificationOptions options,
        List<CheckResult> checks,
        ref SealSummary? summary)
    {
        var seal = ses.Seal;
        summary = new SealSummary(seal.EsId, seal.Name, (int)seal.Version, seal.ValidStart, seal.ValidEnd, seal.MakerCertificate.Subject);
        checks.Add(MakerSignatureVerifies(seal)
            ? new CheckResult("seal-signature", CheckOutcome.Passed, $"the seal {seal.EsId} ({seal.Name}) is signed by its maker ({seal.MakerCertificate.Subject})")
            : new CheckResult("seal-signature", CheckOutcome.Failed, $"the maker's signature on seal {seal.EsId} does not verify: the seal was altered", SubIndication.SigCryptoFailure));

        if (xml.SealLoc is not null)
        {
            checks.Add(OfdPath.TryResolve(folder, xml.SealLoc, out var sealPath) && files.Contains(sealPath)
                && files.Get(sealPath).Span.SequenceEqual(seal.Encoded.Span)
                ? new CheckResult("seal-file", CheckOutcome.Passed, "the seal file equals the seal inside the signature")
                : new CheckResult("seal-file", CheckOutcome.Failed, $"the seal file {xml.SealLoc} differs from the seal inside the signature", SubIndication.HashFailure));
        }

        // GB/T 38540 7.3 d): the seal must be valid at the signing time.
        checks.Add(seal.IsValidAt(signingTime)
            ? new CheckResult("seal-validity", CheckOutcome.Passed, $"the seal was valid at the signing time ({seal.ValidStart:yyyy-MM-dd} – {seal.ValidEnd:yyyy-MM-dd})")
            : new CheckResult("seal-validity", CheckOutcome.Indeterminate, $"the signing time {signingTime:yyyy-MM-dd HH:mm:ss} is outside the seal's validity ({seal.ValidStart:yyyy-MM-dd} – {seal.ValidEnd:yyyy-MM-dd})", SubIndication.OutOfBoundsNoPoe));

        // GB/T 38540 7.3 c): the signer's certificate must be one the seal lists.
        checks.Add(seal.ListsSigner(ses.SignerCertificate)
            ? new CheckResult("seal-lists-signer", CheckOutcome.Passed, "the seal lists the signer's certificate")
            : new CheckResult("seal-lists-signer", CheckOutcome.Failed, "the signer's certificate is not among the certificates the seal lists", SubIndication.SigConstraintsFailure));

        checks.Add(CertificateCheck("seal-maker-certificate", seal.MakerCertificate, signingTime, options.SealMakers, options.Clock));

        if (options.SealRevocations?.Invoke(seal.EsId) is { } revocation)
        {
            checks.Add(revocation.RevokedAt <= signingTime
                ? new CheckResult("seal-revocation", CheckOutcome.Failed, $"the seal was revoked on {revocation.RevokedAt:yyyy-MM-dd} ({revocation.Reason}), before the signing time", SubIndication.Revoked)
                : new CheckResult("seal-revocation", CheckOutcome.Warning, $"the seal was revoked on {revocation.RevokedAt:yyyy-MM-dd} ({revocation.Reason}), after the signing time"));
        }
        else if (options.SealRevocations is not null)
        {
            checks.Add(new CheckResult("seal-revocation", CheckOutcome.Passed, "the seal is not revoked in the registry"));
        }
    }

    // A seal is used in many documents; its maker's signature over the same bytes needs checking once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> VerifiedSeals = new(StringComparer.Ordinal);

    private static bool MakerSignatureVerifies(SesSeal seal)
    {
        var key = Convert.ToHexString(SHA256.HashData(seal.Encoded.Span));
        if (VerifiedSeals.TryGetValue(key, out var valid))
        {
            return valid;
        }

        valid = seal.VerifyMakerSignature();
        if (VerifiedSeals.Count < 10_000)
        {
            VerifiedSeals[key] = valid;
        }

        return valid;
    }

    private static CheckResult CertificateCheck(string id, X509Certificate2 certificate, DateTimeOffset signingTime, CertificateValidator? validator, TimeProvider clock)
    {
        if (validator is null)
        {
            return new CheckResult(id, CheckOutcome.Indeterminate, $"no trust anchors are configured for {certificate.Subject}", SubIndication.NoCertificateChainFound);
        }

        return validator.ToCheck(id, certificate, signingTime, clock.GetUtcNow());
    }
}
