using System.Globalization;
using ElectronicLicense.Seals.Verification;
using Spectre.Console;

namespace ElectronicLicense.Cli.Verification;

/// <summary>The human form of <c>elic verify</c>: verdict, hashes, then each signature with its checks, then the document checks.</summary>
internal static class VerifyRenderer
{
    private const string Indent = "    ";
    private const int LabelWidth = 13;

    public static void Write(CliContext context, string path, long length, DocumentReport report)
    {
        var w = new ReportWriter(context);
        w.Write(Verdict(report.Indication, report.SubIndication), IndicationStyle(report.Indication))
            .Line($"  {Summary(report)}");
        w.Field(string.Empty, "document", $"{path} ({report.Format}, {length.ToString("N0", CultureInfo.InvariantCulture)} bytes)", LabelWidth);
        w.Field(string.Empty, "SHA-256", report.Sha256, LabelWidth);
        w.Field(string.Empty, "SM3", report.Sm3, LabelWidth);

        foreach (var signature in report.Signatures)
        {
            w.Line();
            w.Write($"signature {signature.Index}  ", new Style(decoration: Decoration.Bold))
                .Write(signature.Id)
                .Write("  ")
                .Line(Verdict(signature.Indication, signature.SubIndication), IndicationStyle(signature.Indication));
            w.Field(Indent, "signer", signature.Signer ?? "(not found)", LabelWidth);
            w.Field(Indent, "signing time", signature.SigningTime is { } time ? Time(time) : "(none)", LabelWidth);
            if (signature.Seal is { } seal)
            {
                w.Field(Indent, "seal", $"{seal.EsId} {seal.Name} (v{seal.Version})", LabelWidth);
                w.Field(Indent, "seal valid", $"{Time(seal.ValidFrom)} to {Time(seal.ValidUntil)}", LabelWidth);
                w.Field(Indent, "seal maker", seal.Maker, LabelWidth);
            }
            else
            {
                w.Field(Indent, "seal", "(none: a plain digital signature)", LabelWidth);
            }

            w.Field(Indent, "coverage", signature.Coverage, LabelWidth);
            WriteChecks(w, signature.Checks);
        }

        w.Line();
        w.Line("document checks", new Style(decoration: Decoration.Bold));
        WriteChecks(w, report.DocumentChecks);
    }

    private static void WriteChecks(ReportWriter w, IReadOnlyList<CheckResult> checks)
    {
        foreach (var check in checks)
        {
            var (mark, colour) = Mark(check.Outcome);
            w.Write(Indent).Write(mark, new Style(colour)).Write(" ").Write(check.Id, new Style(decoration: Decoration.Dim)).Write("  ").Write(check.Message);
            if (check.Outcome is CheckOutcome.Failed or CheckOutcome.Indeterminate && check.SubIndication.ToEtsi() is { } sub)
            {
                w.Write($" [{sub}]", new Style(colour));
            }

            w.Line();
        }
    }

    /// <summary>✓ passed, ✗ failed, ? indeterminate, ! warning, - not applicable.</summary>
    public static (string Mark, Color Colour) Mark(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => ("✓", Color.Green),
        CheckOutcome.Failed => ("✗", Color.Red),
        CheckOutcome.Indeterminate => ("?", Color.Yellow),
        CheckOutcome.Warning => ("!", Color.Olive),
        _ => ("-", Color.Grey),
    };

    private static string Verdict(Indication indication, SubIndication subIndication) =>
        subIndication.ToEtsi() is { } sub ? $"{indication.ToEtsi()} ({sub})" : indication.ToEtsi();

    private static Style IndicationStyle(Indication indication) => new(
        indication switch { Indication.TotalPassed => Color.Green, Indication.TotalFailed => Color.Red, _ => Color.Yellow },
        decoration: Decoration.Bold);

    private static string Summary(DocumentReport report)
    {
        var count = report.Signatures.Count;
        var passed = report.Signatures.Count(s => s.Indication == Indication.TotalPassed);
        return count switch
        {
            0 => "no signature",
            _ => $"{passed} of {count} signature{(count == 1 ? string.Empty : "s")} passed",
        };
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
