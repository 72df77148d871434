using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Seals.Tests.Verification;

public class ReportTests
{
    private static SignatureReport Signature(Indication indication, SubIndication sub) =>
        new(0, "/Doc_0/Signs/Sign_0/Signature.xml", null, null, null, [], indication, sub, "whole document");

    [Fact]
    public void A_failed_check_outranks_an_indeterminate_one()
    {
        var (indication, sub) = DocumentReport.Conclude([
            new CheckResult("chain", CheckOutcome.Indeterminate, "unknown issuer", SubIndication.NoCertificateChainFound),
            new CheckResult("digest", CheckOutcome.Failed, "digest differs", SubIndication.HashFailure),
            new CheckResult("expiry", CheckOutcome.Warning, "expired after signing"),
        ]);

        Assert.Equal((Indication.TotalFailed, SubIndication.HashFailure), (indication, sub));
    }

    [Fact]
    public void Warnings_alone_still_pass()
    {
        Assert.Equal((Indication.TotalPassed, SubIndication.None),
            DocumentReport.Conclude([new CheckResult("expiry", CheckOutcome.Warning, "expired after signing"), new CheckResult("x", CheckOutcome.NotApplicable, "-")]));
    }

    [Fact]
    public void Document_verdict_is_the_worst_signature_and_unsigned_documents_are_not_passed()
    {
        Assert.Equal((Indication.TotalFailed, SubIndication.SigCryptoFailure), DocumentReport.Conclude(
            [Signature(Indication.Indeterminate, SubIndication.NoCertificateChainFound), Signature(Indication.TotalFailed, SubIndication.SigCryptoFailure)], []));
        Assert.Equal((Indication.Indeterminate, SubIndication.NoCertificateChainFound), DocumentReport.Conclude(
            [Signature(Indication.TotalPassed, SubIndication.None), Signature(Indication.Indeterminate, SubIndication.NoCertificateChainFound)], []));
        Assert.Equal(Indication.TotalPassed, DocumentReport.Conclude([Signature(Indication.TotalPassed, SubIndication.None)], []).Indication);
        Assert.Equal(Indication.Indeterminate, DocumentReport.Conclude([], []).Indication);
        Assert.Equal(Indication.TotalFailed, DocumentReport.Conclude(
            [Signature(Indication.TotalPassed, SubIndication.None)], [new CheckResult("zip", CheckOutcome.Failed, "bad", SubIndication.FormatFailure)]).Indication);
    }

    [Fact]
    public void Etsi_spellings()
    {
        Assert.Equal("TOTAL-PASSED", Indication.TotalPassed.ToEtsi());
        Assert.Equal("INDETERMINATE", Indication.Indeterminate.ToEtsi());
        Assert.Equal("TOTAL-FAILED", Indication.TotalFailed.ToEtsi());
        Assert.Equal("NO_CERTIFICATE_CHAIN_FOUND", SubIndication.NoCertificateChainFound.ToEtsi());
        Assert.Null(SubIndication.None.ToEtsi());
        Assert.All(Enum.GetValues<SubIndication>().Where(s => s != SubIndication.None), s => Assert.Matches("^[A-Z_]+$", s.ToEtsi()!));
    }
}
