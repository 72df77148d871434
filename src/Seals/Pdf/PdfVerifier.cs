using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>What the PDF verifier trusts and knows.</summary>
public sealed class PdfVerificationOptions
{
    /// <summary>Validates signer certificates (chain, validity at the signing time, revocation); null means no anchors, so every chain is unknown.</summary>
    public CertificateValidator? Signers { get; init; }

    /// <summary>The time "now" for reporting what has expired since signing, and the signing time of signatures that claim none.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>Verifies every signature of a PDF (ours or anyone's) and what was changed after each one.</summary>
/// <remarks>
/// Check ids: byte-range, coverage, cms, message-digest, signature-value, signed-attributes, signer-certificate,
/// modifications-after-signing, docmdp. A change after signing that DocMDP (or, without certification, the signing
/// workflow) does not allow makes the signature TOTAL-FAILED with SIG_CONSTRAINTS_FAILURE: the bytes it signed are
/// intact, but the document shown is no longer the one signed.
/// </remarks>
public static class PdfVerifier
{
    /// <summary>Verifies a PDF; malformed input gives a TOTAL-FAILED report with FORMAT_FAILURE, never an exception.</summary>
    public static DocumentReport Verify(ReadOnlyMemory<byte> pdf, PdfVerificationOptions? options = null)
    {
        options ??= new PdfVerificationOptions();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf.Span));
        var sm3 = Convert.ToHexStringLower(Sm3.Hash(pdf.Span));
        try
        {
            return Verify(pdf, sha256, sm3, options);
        }
        catch (Exception e) when (e is PdfFormatException or InvalidDataException or OverflowException or ArgumentException or IndexOutOfRangeException or InvalidCastException)
        {
            // ArgumentException and IndexOutOfRangeException included: a bounds check missed on hostile bytes must still be a report.
            var check = new CheckResult("structure", CheckOutcome.Failed, "the PDF cannot be read: " + e.Message, SubIndication.FormatFailure);
            return new DocumentReport("pdf", sha256, sm3, [], [check], Indication.TotalFailed, SubIndication.FormatFailure);
        }
    }

    private sealed record Entry(string Name, PdfDictionary Signature, long[]? Range);

    private static DocumentReport Verify(ReadOnlyMemory<byte> pdf, string sha256, string sm3, PdfVerificationOptions options)
    {
        var file = PdfFile.Open(pdf);
        var documentChecks = new List<CheckResult>();
        if (file.Trailer["Encrypt"] is not null)
        {
            documentChecks.Add(new CheckResult("structure", CheckOutcome.Indeterminate, "the PDF is encrypted; encrypted documents are not verified here", SubIndication.FormatFailure));
            return Conclude(sha256, sm3, [], documentChecks);
        }

        var entries = new List<Entry>();
        foreach (var field in file.Fields().Where(f => f.Type == "Sig"))
        {
            if (file.ResolveDictionary(field.Dictionary["V"]) is { } signature)
            {
                entries.Add(new Entry(field.Name, signature, ReadRange(file, signature)));
            }
            else if (field.Dictionary["V"] is PdfReference reference && !file.TryGetObject(reference.Number, out _, out _))
            {
                // A signed field whose signature dictionary cannot be read is a broken signature, not an unsigned field.
                entries.Add(new Entry(field.Name, new PdfDictionary(), null));
            }
        }

        documentChecks.Add(new CheckResult("structure", CheckOutcome.Passed, $"PDF read: {file.Pages().Count} page(s), {entries.Count} signature(s)"));
        entries = [.. entries.OrderBy(e => e.Range is { } r ? r[2] + r[3] : long.MaxValue)];
        var revisions = new Dictionary<long, (PdfFile? File, string? Error)>();
        var docMdp = PdfDocMdp.Permission(file);
        var reports = entries.Select((e, i) => VerifyOne(pdf, file, e, i, options, revisions, docMdp)).ToList();

        if (entries.Count == 0)
        {
            documentChecks.Add(new CheckResult("signatures", CheckOutcome.Indeterminate, "the document has no signatures", SubIndication.SignedDataNotFound));
        }
        else if (entries[^1].Range is { } last && last[2] + last[3] < pdf.Length)
        {
            // An update after the last readable signature that still carries signature syntax is a signature damaged beyond
            // reading (its field, dictionary or the update's xref), not an unsigned addition: it must not pass quietly.
            var tail = pdf.Span[(int)(last[2] + last[3])..];
            documentChecks.Add(LooksLikeSignature(tail)
                ? new CheckResult("unsigned-updates", CheckOutcome.Failed,
                    $"the {tail.Length} bytes after the last verifiable signature hold a signature that cannot be read: it was damaged", SubIndication.FormatFailure)
                : new CheckResult("unsigned-updates", CheckOutcome.Warning,
                    $"{tail.Length} bytes were added after the last signature; see modifications-after-signing"));
        }

        return Conclude(sha256, sm3, reports, documentChecks);
    }

    private static bool LooksLikeSignature(ReadOnlySpan<byte> bytes) =>
        bytes.IndexOf("/ByteRange"u8) >= 0 || bytes.IndexOf("CAdES"u8) >= 0 || bytes.IndexOf("adbe.pkcs7"u8) >= 0
        || bytes.IndexOf("/Sig"u8) >= 0 || bytes.IndexOf("/Contents <"u8) >= 0 || bytes.IndexOf("/Contents<"u8) >= 0;

    private static DocumentReport Conclude(string sha256, string sm3, IReadOnlyList<SignatureReport> reports, List<CheckResult> documentChecks)
    {
        var (indication, sub) = DocumentReport.Conclude(reports, documentChecks);
        return new DocumentReport("pdf", sha256, sm3, reports, documentChecks, indication, sub);
    }

    private static long[]? ReadRange(PdfFile file, PdfDictionary signature) =>
        file.Resolve(signature["ByteRange"]) is PdfArray { Items.Count: 4 } array && array.Items.All(i => i is PdfNumber { IsInteger: true, Integer: >= 0 })
            ? array.Items.Select(i => ((PdfNumber)i).Integer).ToArray()
            : null;

    private static SignatureReport VerifyOne(
        ReadOnlyMemory<byte> pdf,
        PdfFile file,
        Entry entry,
        int index,
        PdfVerificationOptions options,
        Dictionary<long, (PdfFile? File, string? Error)> revisions,
        (int? P, PdfReference? Signature) docMdp)
    {
        var checks = new List<CheckResult>();
        string? signer = null;
        DateTimeOffset? time = ParseDate((file.Resolve(entry.Signature["M"]) as PdfString)?.ToText());
        var coverage = "nothing";

        SignatureReport Report()
        {
            var (indication, sub) = DocumentReport.Conclude(checks);
            return new SignatureReport(index, entry.Name, signer, time, null, checks, indication, sub, coverage);
        }

        var data = pdf.Span;
        var contents = entry.Signature["Contents"] as PdfString;
        if (!ByteRangeIsSane(data, entry.Range, contents, out var byteRangeError))
        {
            checks.Add(new CheckResult("byte-range", CheckOutcome.Failed, byteRangeError, SubIndication.FormatFailure));
            return Report();
        }

        var range = entry.Range!;
        var end = range[2] + range[3];
        checks.Add(new CheckResult("byte-range", CheckOutcome.Passed, $"[0 {range[1]} {range[2]} {range[3]}] covers everything but the Contents hex string"));

        if (end == data.Length)
        {
            coverage = "whole document";
            checks.Add(new CheckResult("coverage", CheckOutcome.Passed, "the signature covers the whole file"));
        }
        else if (EndsRevision(data[..(int)end]))
        {
            coverage = $"revision of {end} bytes; {data.Length - end} bytes added later";
            checks.Add(new CheckResult("coverage", CheckOutcome.Passed, $"the signature covers an earlier revision (the first {end} of {data.Length} bytes)"));
        }
        else
        {
            coverage = "anomalous";
            checks.Add(new CheckResult("coverage", CheckOutcome.Failed, $"the signed range ends at byte {end}, which is neither the end of the file nor the end of a revision", SubIndication.FormatFailure));
            return Report();
        }

        var subFilter = entry.Signature.NameOf("SubFilter");
        if (subFilter is not ("ETSI.CAdES.detached" or "adbe.pkcs7.detached"))
        {
            checks.Add(new CheckResult("cms", CheckOutcome.Indeterminate, $"SubFilter /{subFilter} is not verified here (only ETSI.CAdES.detached and adbe.pkcs7.detached)", SubIndication.FormatFailure));
            return Report();
        }

        if (!PdfCms.TryDecode(contents!.Bytes, out var cms, out var cmsError))
        {
            checks.Add(new CheckResult("cms", CheckOutcome.Failed, cmsError, SubIndication.FormatFailure));
            return Report();
        }

        if (cms.HasEncapsulatedContent || cms.EncapsulatedContentType != PdfCms.IdData)
        {
            checks.Add(new CheckResult("cms", CheckOutcome.Failed, "a detached PDF signature must not encapsulate content and must sign id-data", SubIndication.FormatFailure));
            return Report();
        }

        checks.Add(new CheckResult("cms", CheckOutcome.Passed, $"CMS SignedData, /SubFilter /{subFilter}, digest {PdfCms.DigestName(cms.DigestAlgorithm)}"));

        var signed = new byte[range[1] + range[3]];
        data[..(int)range[1]].CopyTo(signed);
        data.Slice((int)range[2], (int)range[3]).CopyTo(signed.AsSpan((int)range[1]));
        var digest = PdfCms.Hash(cms.DigestAlgorithm, signed);
        if (digest is null)
        {
            checks.Add(new CheckResult("message-digest", CheckOutcome.Indeterminate, $"digest algorithm {cms.DigestAlgorithm} is not supported", SubIndication.CryptoConstraintsFailure));
            return Report();
        }

        if (cms.SignedAttributes is not null)
        {
            var values = cms.Attribute(PdfCms.MessageDigestAttribute);
            checks.Add(values is { Count: 1 } && ReadOctets(values[0]) is { } claimed && claimed.AsSpan().SequenceEqual(digest)
                ? new CheckResult("message-digest", CheckOutcome.Passed, $"the {PdfCms.DigestName(cms.DigestAlgorithm)} of the signed bytes equals the message-digest attribute")
                : new CheckResult("message-digest", CheckOutcome.Failed, "the signed bytes do not match the message-digest attribute: the revision was changed after signing", SubIndication.HashFailure));
        }
        else
        {
            checks.Add(new CheckResult("message-digest", CheckOutcome.NotApplicable, "no signed attributes: the signature value covers the bytes directly (see signature-value)"));
        }

        var certificate = cms.FindSigner();
        if (certificate is null)
        {
            checks.Add(new CheckResult("signer-certificate", CheckOutcome.Indeterminate, "the CMS does not carry the signer's certificate", SubIndication.NoSigningCertificateFound));
            return Report();
        }

        signer = certificate.Subject;
        var verified = PdfCms.VerifySignature(certificate, cms.SignatureAlgorithm, cms.DigestAlgorithm, cms.SignedAttributes ?? signed, cms.Signature);
        checks.Add(verified switch
        {
            true => new CheckResult("signature-value", CheckOutcome.Passed, $"the signature verifies with {signer}'s key"),
            false => new CheckResult("signature-value", CheckOutcome.Failed,
                cms.SignedAttributes is null ? "the signature does not verify: the signed bytes or the signature were changed" : "the signature over the signed attributes does not verify", SubIndication.SigCryptoFailure),
            null => new CheckResult("signature-value", CheckOutcome.Indeterminate, $"signature algorithm {cms.SignatureAlgorithm} is not supported", SubIndication.CryptoConstraintsFailure),
        });

        checks.Add(CheckSignedAttributes(cms, certificate, subFilter));
        time ??= ReadSigningTime(cms);
        checks.Add(options.Signers is null
            ? new CheckResult("signer-certificate", CheckOutcome.Indeterminate, $"no trust anchors are configured for {signer}", SubIndication.NoCertificateChainFound)
            : options.Signers.ToCheck("signer-certificate", certificate, time ?? options.Clock.GetUtcNow(), options.Clock.GetUtcNow()));

        CheckModifications(pdf, file, entry, index, end, revisions, docMdp, checks);
        return Report();
    }

    private static bool ByteRangeIsSane(ReadOnlySpan<byte> data, long[]? range, PdfString? contents, out string error)
    {
        if (range is null)
        {
            error = "/ByteRange is missing or is not four non-negative integers (PAdES allows exactly two ranges)";
            return false;
        }

        if (contents is null || contents.Offset < 0)
        {
            error = "/Contents is not a direct string in a signature dictionary stored outside object streams";
            return false;
        }

        var (a, b, c, d) = (range[0], range[1], range[2], range[3]);
        // ISO 32000-1 §12.8.1: the range starts at 0 and excludes exactly the Contents value, delimiters included.
        if (a != 0 || b <= 0 || c < b || c + d > data.Length)
        {
            error = $"/ByteRange [{a} {b} {c} {d}] does not start at 0, overlaps itself or runs past the end of the file ({data.Length} bytes)";
            return false;
        }

        if (b != contents.Offset || c != contents.End)
        {
            error = $"the gap in /ByteRange ({b}–{c}) is not where the /Contents string lies ({contents.Offset}–{contents.End})";
            return false;
        }

        var hole = data[(int)b..(int)c];
        if (hole.Length < 2 || hole[0] != '<' || hole[^1] != '>' || hole[1..^1].ContainsAnyExcept("0123456789abcdefABCDEF"u8))
        {
            error = "the gap in /ByteRange holds something other than one hex string";
            return false;
        }

        error = string.Empty;
        return true;
    }

    // ISO 32000-1 §7.5.5: each revision ends with %%EOF (and an end-of-line).
    private static bool EndsRevision(ReadOnlySpan<byte> revision) =>
        revision.TrimEnd("\r\n \t\0"u8).EndsWith("%%EOF"u8);

    private static CheckResult CheckSignedAttributes(PdfCms.Decoded cms, X509Certificate2 certificate, string subFilter)
    {
        const string Id = "signed-attributes";
        var cades = subFilter == "ETSI.CAdES.detached";
        if (cms.SignedAttributes is null)
        {
            return cades
                ? new CheckResult(Id, CheckOutcome.Failed, "ETSI.CAdES.detached requires signed attributes (ETSI EN 319 122-1 §5.1)", SubIndication.FormatFailure)
                : new CheckResult(Id, CheckOutcome.Warning, "no signed attributes (adbe.pkcs7.detached, not PAdES): nothing in the signature binds the signer's certificate");
        }

        // RFC 5652 §5.3: content-type and message-digest are required when signed attributes are present.
        var contentType = cms.Attribute(PdfCms.ContentTypeAttribute);
        if (contentType is not { Count: 1 } || ReadOid(contentType[0]) != PdfCms.IdData || cms.Attribute(PdfCms.MessageDigestAttribute) is not { Count: 1 })
        {
            return new CheckResult(Id, CheckOutcome.Failed, "content-type (id-data) and message-digest must each be present once", SubIndication.FormatFailure);
        }

        if (cms.Attributes.GroupBy(a => a.Oid).Any(g => g.Count() > 1))
        {
            return new CheckResult(Id, CheckOutcome.Failed, "a signed attribute appears twice", SubIndication.FormatFailure);
        }

        // ETSI EN 319 122-1 §5.2.2: signing-certificate-v2 (or v1 with SHA-1) binds the signer's certificate.
        var v2 = cms.Attribute(PdfCms.SigningCertificateV2Attribute);
        var v1 = cms.Attribute(PdfCms.SigningCertificateAttribute);
        var bound = v2 is { Count: 1 } ? FirstCertHash(v2[0].Span, v2: true) : v1 is { Count: 1 } ? FirstCertHash(v1[0].Span, v2: false) : null;
        if (bound is null)
        {
            return cades
                ? new CheckResult(Id, CheckOutcome.Failed, "ETSI.CAdES.detached requires the signing-certificate-v2 attribute", SubIndication.FormatFailure)
                : new CheckResult(Id, CheckOutcome.Warning, "content-type and message-digest present; no signing-certificate attribute (not PAdES)");
        }

        var (hashAlgorithm, hash) = bound.Value;
        var actual = PdfCms.Hash(hashAlgorithm, certificate.RawData);
        if (actual is null || !actual.AsSpan().SequenceEqual(hash))
        {
            // ETSI EN 319 102-1 §5.2.3.4: a signing-certificate reference that does not match the certificate found.
            return new CheckResult(Id, CheckOutcome.Indeterminate, "the signing-certificate attribute does not match the signer's certificate", SubIndication.NoSigningCertificateFound);
        }

        var note = cms.Attribute(PdfCms.SigningTimeAttribute) is not null && cades ? "; a signing-time attribute is present, which PAdES B-B replaces by /M" : string.Empty;
        return new CheckResult(Id, note.Length > 0 ? CheckOutcome.Warning : CheckOutcome.Passed,
            $"content-type, message-digest and signing-certificate{(v2 is null ? string.Empty : "-v2")} present and consistent with the signer's certificate{note}");
    }

    /// <summary>The hash algorithm and certHash of the first ESSCertID(v2) (RFC 2634 §5.4, RFC 5035 §4).</summary>
    private static (string Algorithm, byte[] Hash)? FirstCertHash(ReadOnlySpan<byte> value, bool v2)
    {
        try
        {
            var certs = new AsnReader(value.ToArray(), AsnEncodingRules.BER).ReadSequence().ReadSequence();
            var id = certs.ReadSequence();
            var algorithm = v2 ? Oids.Sha256 : PdfCms.Sha1;
            if (v2 && id.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                algorithm = id.ReadSequence().ReadObjectIdentifier();
            }

            return (algorithm, id.ReadOctetString());
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static byte[]? ReadOctets(ReadOnlyMemory<byte> value)
    {
        try
        {
            return new AsnReader(value, AsnEncodingRules.BER).ReadOctetString();
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static string? ReadOid(ReadOnlyMemory<byte> value)
    {
        try
        {
            return new AsnReader(value, AsnEncodingRules.BER).ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static DateTimeOffset? ReadSigningTime(PdfCms.Decoded cms)
    {
        try
        {
            return cms.Attribute(PdfCms.SigningTimeAttribute) is { Count: 1 } values
                ? new Pkcs9SigningTimeReader(values[0]).Time
                : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private readonly struct Pkcs9SigningTimeReader(ReadOnlyMemory<byte> value)
    {
        // RFC 5652 §11.3: SigningTime ::= Time (UTCTime or GeneralizedTime).
        public DateTimeOffset Time => new AsnReader(value, AsnEncodingRules.BER) is var reader && reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime)
            ? reader.ReadUtcTime()
            : reader.ReadGeneralizedTime();
    }

    private static void CheckModifications(
        ReadOnlyMemory<byte> pdf,
        PdfFile file,
        Entry entry,
        int index,
        long end,
        Dictionary<long, (PdfFile? File, string? Error)> revisions,
        (int? P, PdfReference? Signature) docMdp,
        List<CheckResult> checks)
    {
        var certifyP = PdfDocMdp.PermissionOf(file, entry.Signature);
        List<PdfChange> changes = [];
        if (end < pdf.Length)
        {
            if (!revisions.TryGetValue(end, out var revision))
            {
                try
                {
                    revision = (PdfFile.Open(pdf[..(int)end]), null);
                }
                catch (PdfFormatException e)
                {
                    revision = (null, e.Message);
                }

                revisions[end] = revision;
            }

            if (revision.File is null)
            {
                checks.Add(new CheckResult("modifications-after-signing", CheckOutcome.Failed, $"the signed revision cannot be read ({revision.Error})", SubIndication.FormatFailure));
                return;
            }

            changes = PdfRevisionDiff.Compare(revision.File, file);
        }

        // The document's certification level governs every signature's later changes; without one, form filling is worth a warning.
        var p = docMdp.P;
        bool Allowed(PdfChange c) => c.Kind switch
        {
            PdfChangeKind.Signing or PdfChangeKind.Auxiliary or PdfChangeKind.Metadata => p != 1,
            PdfChangeKind.FormFill => p is 2 or 3,
            PdfChangeKind.Annotation => p == 3,
            _ => false,
        };

        var notAllowed = changes.Where(c => !Allowed(c) && !(p is null && c.Kind == PdfChangeKind.FormFill)).ToList();
        var warnings = changes.Where(c => c.Kind == PdfChangeKind.Metadata || (p is null && c.Kind == PdfChangeKind.FormFill)).ToList();
        if (changes.Count == 0)
        {
            checks.Add(new CheckResult("modifications-after-signing", CheckOutcome.Passed, end == pdf.Length ? "nothing was added after this signature" : "the later revisions change nothing this signature covers"));
        }
        else if (notAllowed.Count > 0)
        {
            checks.Add(new CheckResult("modifications-after-signing", CheckOutcome.Failed,
                $"changes after signing that are not allowed: {Summary(notAllowed)}", SubIndication.SigConstraintsFailure));
        }
        else
        {
            var allowed = changes.Count(c => c.Kind is PdfChangeKind.Signing or PdfChangeKind.Auxiliary);
            checks.Add(warnings.Count > 0
                ? new CheckResult("modifications-after-signing", CheckOutcome.Warning, $"{allowed} change(s) for later signatures; also: {Summary(warnings)}")
                : new CheckResult("modifications-after-signing", CheckOutcome.Passed, $"only later signatures were added ({allowed} object(s): signature dictionaries, fields, widgets, appearances, updated page and form)"));
        }

        if (certifyP is null)
        {
            checks.Add(new CheckResult("docmdp", CheckOutcome.NotApplicable, docMdp.P is { } level ? $"approval signature on a document certified with P={level}" : "approval signature; the document is not certified"));
            return;
        }

        // ISO 32000-1 §12.8.1: a certification signature shall be the first signature in the document.
        if (index != 0)
        {
            checks.Add(new CheckResult("docmdp", CheckOutcome.Failed, "a certification signature must be the document's first signature", SubIndication.SigConstraintsFailure));
        }
        else if (docMdp.Signature is null || file.ResolveDictionary(docMdp.Signature) != entry.Signature)
        {
            checks.Add(new CheckResult("docmdp", CheckOutcome.Warning, $"the signature carries DocMDP P={certifyP} but the catalog's /Perms does not name it, so readers will not enforce it"));
        }
        else if (notAllowed.Count > 0)
        {
            checks.Add(new CheckResult("docmdp", CheckOutcome.Failed, $"the document is certified with P={certifyP}, and later changes break it: {Summary(notAllowed)}", SubIndication.SigConstraintsFailure));
        }
        else
        {
            checks.Add(new CheckResult("docmdp", CheckOutcome.Passed, $"certification signature with P={certifyP}; later changes stay within it"));
        }
    }

    private static string Summary(List<PdfChange> changes) =>
        string.Join("; ", changes.Take(5).Select(c => c.Description)) + (changes.Count > 5 ? $"; and {changes.Count - 5} more" : string.Empty);

    /// <summary>ISO 32000-1 §7.9.4: D:YYYYMMDDHHmmSSOHH'mm, every part after the year optional.</summary>
    internal static DateTimeOffset? ParseDate(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var s = text.StartsWith("D:", StringComparison.Ordinal) ? text[2..] : text;
        var digits = new string(s.TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length < 4)
        {
            return null;
        }

        int Part(int at, int length, int fallback) => digits.Length >= at + length ? int.Parse(digits.AsSpan(at, length), CultureInfo.InvariantCulture) : fallback;
        var offset = TimeSpan.Zero;
        var zone = s[digits.Length..];
        if (zone.Length >= 3 && zone[0] is '+' or '-')
        {
            var zoneDigits = new string(zone[1..].Where(char.IsAsciiDigit).ToArray());
            var hours = zoneDigits.Length >= 2 ? int.Parse(zoneDigits.AsSpan(0, 2), CultureInfo.InvariantCulture) : 0;
            var minutes = zoneDigits.Length >= 4 ? int.Parse(zoneDigits.AsSpan(2, 2), CultureInfo.InvariantCulture) : 0;
            offset = new TimeSpan(hours, minutes, 0) * (zone[0] == '-' ? -1 : 1);
        }

        try
        {
            return new DateTimeOffset(Part(0, 4, 1), Part(4, 2, 1), Part(6, 2, 1), Part(8, 2, 0), Part(10, 2, 0), Part(12, 2, 0), offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
