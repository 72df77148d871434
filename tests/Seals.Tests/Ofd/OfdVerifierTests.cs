using System.Text;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Seals.Tests.Ofd;

/// <summary>
/// A file several signatures cover is hashed once per document and every signature compares its own CheckValue with that
/// digest: these documents have signatures that disagree about a file, so a digest or verdict carried over to the wrong
/// signature shows.
/// </summary>
public class OfdVerifierTests
{
    private const string Added = "Doc_0/Res/added.xml";

    [Fact]
    public void Two_signatures_over_different_versions_of_a_file_each_judge_the_version_they_signed()
    {
        var unsigned = OfdSigningFixture.UnsignedDocument();
        var content = ContentPath(unsigned);
        var first = SignAs(unsigned, 0);
        var original = Entry(first, content);
        var edited = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original) + "\n");

        // Changed between the signatures: the first signature covers the original, the second the edited file.
        var editedThenSigned = SignAs(WithEntry(first, content, edited), 1);
        var report = Verify(editedThenSigned);
        Assert.Equal(["reference:/" + content], FailedChecks(report, 0));
        Assert.Equal(SubIndication.HashFailure, report.Signatures[0].SubIndication);
        Assert.Empty(FailedChecks(report, 1));
        Assert.Equal(Indication.TotalPassed, report.Signatures[1].Indication);

        // Put back as the first signature saw it: now the second signature is the one the file no longer matches.
        var restored = Verify(WithEntry(editedThenSigned, content, original));
        Assert.Empty(FailedChecks(restored, 0));
        Assert.Equal(Indication.TotalPassed, restored.Signatures[0].Indication);
        Assert.Equal(["reference:/" + content], FailedChecks(restored, 1));
        Assert.Equal(Indication.TotalFailed, restored.Indication);
    }

    [Fact]
    public void A_file_only_the_second_signature_covers_fails_only_the_second_when_changed()
    {
        var first = SignAs(OfdSigningFixture.UnsignedDocument(), 0);
        var second = SignAs(WithEntry(first, Added, "<added>one</added>"u8.ToArray()), 1);
        Assert.Equal(Indication.TotalPassed, Verify(second).Indication);

        var report = Verify(WithEntry(second, Added, "<added>two</added>"u8.ToArray()));

        Assert.Empty(FailedChecks(report, 0));
        Assert.Equal(Indication.TotalPassed, report.Signatures[0].Indication);
        Assert.Equal(["reference:/" + Added], FailedChecks(report, 1));
        Assert.Equal((Indication.TotalFailed, SubIndication.HashFailure), (report.Indication, report.SubIndication));
        Assert.Contains(report.DocumentChecks, c => c.Id == "uncovered-files" && c.Outcome == CheckOutcome.Passed);
    }

    [Fact]
    public void A_file_added_before_the_third_signature_fails_only_the_third_when_changed()
    {
        var two = SignAs(SignAs(OfdSigningFixture.UnsignedDocument(), 0), 1);
        var three = SignAs(WithEntry(two, Added, "<added>one</added>"u8.ToArray()), 2);

        var report = Verify(WithEntry(three, Added, "<added>two</added>"u8.ToArray()));

        Assert.Empty(FailedChecks(report, 0));
        Assert.Empty(FailedChecks(report, 1));
        Assert.Equal(["reference:/" + Added], FailedChecks(report, 2));
    }

    [Fact]
    public void A_changed_earlier_signature_file_fails_its_data_hash_and_each_later_reference_to_it()
    {
        // The digest of Sign_0/Signature.xml serves both its own dataHash check and the later signatures' references.
        var three = SignAs(SignAs(SignAs(OfdSigningFixture.UnsignedDocument(), 0), 1), 2);
        const string signature = "Doc_0/Signs/Sign_0/Signature.xml";
        var xml = Encoding.UTF8.GetString(Entry(three, signature));
        Assert.Contains("Version=\"1.0\"", xml, StringComparison.Ordinal);

        var report = Verify(WithEntry(three, signature, Encoding.UTF8.GetBytes(xml.Replace("Version=\"1.0\"", "Version=\"1.1\"", StringComparison.Ordinal))));

        Assert.Equal(["data-hash"], FailedChecks(report, 0));
        Assert.Equal(["reference:/" + signature], FailedChecks(report, 1));
        Assert.Equal(["reference:/" + signature], FailedChecks(report, 2));
    }

    [Fact]
    public void Each_document_is_judged_on_its_own_bytes_whatever_was_verified_before()
    {
        // Certificates, seals and verdicts are remembered across documents by their exact bytes: a document whose signer
        // certificate differs by one byte must not borrow the verdict of the intact one verified just before, nor spoil it.
        var intact = SignAs(SignAs(OfdSigningFixture.UnsignedDocument(), 0), 1);
        const string signedValue = "Doc_0/Signs/Sign_1/SignedValue.dat";
        var bytes = Entry(intact, signedValue);
        var certificate = OfdSigningFixture.Parties[1].Signer.Certificate.RawData;
        // The seal lists the same certificate earlier on: the last copy is SES_Signature.cert.
        var at = bytes.AsSpan().LastIndexOf(certificate);
        Assert.True(at > bytes.AsSpan().IndexOf(certificate));
        bytes[at + certificate.Length - 5] ^= 0x01; // inside the CA's signature on the certificate
        var tampered = WithEntry(intact, signedValue, bytes);

        var before = Verify(intact);
        var changed = Verify(tampered);
        var after = Verify(intact);

        Assert.Equal(Indication.TotalPassed, before.Indication);
        Assert.Equal(Indication.TotalPassed, after.Indication);
        Assert.Equal(Indication.TotalPassed, changed.Signatures[0].Indication);
        Assert.Equal(Indication.TotalFailed, changed.Signatures[1].Indication);
        Assert.Equal(["seal-lists-signer", "signer-certificate"], FailedChecks(changed, 1));

        // A third signature made over the changed file covers it as it now is: its reference holds, the second still fails.
        var resigned = Verify(SignAs(tampered, 2));
        Assert.Contains(resigned.Signatures[2].Checks, c => c.Id == "reference:/" + signedValue && c.Outcome == CheckOutcome.Passed);
        Assert.Empty(FailedChecks(resigned, 2));
        Assert.Equal(["seal-lists-signer", "signer-certificate"], FailedChecks(resigned, 1));
    }

    [Fact]
    public void A_changed_file_fails_every_signature_that_covers_it_and_is_not_remembered_for_the_next_document()
    {
        var intact = SignAs(SignAs(SignAs(OfdSigningFixture.UnsignedDocument(), 0), 1), 2);
        var content = ContentPath(intact);
        var bytes = Entry(intact, content);
        bytes[bytes.Length / 2] ^= 0x01;
        var tampered = WithEntry(intact, content, bytes);

        // Same paths, different bytes, one after the other and side by side: digests belong to one verification.
        var reports = new DocumentReport[12];
        Parallel.For(0, reports.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => reports[i] = Verify(i % 2 == 0 ? intact : tampered));

        for (var i = 0; i < reports.Length; i += 2)
        {
            Assert.Equal(Indication.TotalPassed, reports[i].Indication);
            var report = reports[i + 1];
            Assert.Equal((Indication.TotalFailed, SubIndication.HashFailure), (report.Indication, report.SubIndication));
            for (var signature = 0; signature < 3; signature++)
            {
                Assert.Equal(["reference:/" + content], FailedChecks(report, signature));
                Assert.Contains("/" + content + " was changed after signing (SM3 differs)", report.Signatures[signature].Checks.Select(c => c.Message));
            }
        }
    }

    [Theory]
    [InlineData(Oids.Sm3, null)]
    [InlineData("sm3", null)]
    [InlineData("MD5", "check-method")]
    public void A_signature_naming_its_digest_method_differently_is_judged_on_its_own(string method, string? failure)
    {
        // The digest kept per file is SM3's, whatever spelling a signature uses; a signature that asks for another digest
        // fails by itself, and the signatures around it still match the same files.
        var three = SignAs(SignAs(SignAs(OfdSigningFixture.UnsignedDocument(), 0), 1), 2);
        const string signature = "Doc_0/Signs/Sign_1/Signature.xml";
        var xml = Encoding.UTF8.GetString(Entry(three, signature));
        Assert.Contains("CheckMethod=\"SM3\"", xml, StringComparison.Ordinal);

        var report = Verify(WithEntry(three, signature, Encoding.UTF8.GetBytes(xml.Replace("CheckMethod=\"SM3\"", $"CheckMethod=\"{method}\"", StringComparison.Ordinal))));

        Assert.Empty(FailedChecks(report, 0));
        Assert.Equal(failure is null ? ["data-hash"] : [failure, "data-hash"], FailedChecks(report, 1));
        Assert.Equal(failure is null, report.Signatures[1].Checks.Any(c => c.Id.StartsWith("reference:", StringComparison.Ordinal)));
        Assert.Equal(["reference:/" + signature], FailedChecks(report, 2));
    }

    private static DocumentReport Verify(byte[] ofd) => OfdVerifier.Verify(ofd, OfdSigningFixture.TrustingOptions(_ => null));

    private static List<string> FailedChecks(DocumentReport report, int signature) =>
        report.Signatures[signature].Checks.Where(c => c.Outcome == CheckOutcome.Failed).Select(c => c.Id).ToList();

    private static byte[] SignAs(byte[] ofd, int party)
    {
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out var error), error);
        var sealing = OfdSigningFixture.Parties[party];
        return OfdSigner.Sign(package, new OfdSealRequest(sealing.Signer, sealing.Seal,
            [new StampPlacement(OfdSigningFixture.PageId, 150 - (45 * party), 230, 42, 42)], OfdSigningFixture.SigningTime.AddMinutes(party)));
    }

    private static string ContentPath(byte[] ofd)
    {
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out _));
        return package.Names.Single(n => n.EndsWith("/Content.xml", StringComparison.Ordinal));
    }

    private static byte[] Entry(byte[] ofd, string path)
    {
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out _));
        return package.GetEntry(path).ToArray();
    }

    private static byte[] WithEntry(byte[] ofd, string path, byte[] bytes)
    {
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out _));
        return package.WithEntry(path, bytes).ToBytes();
    }
}
