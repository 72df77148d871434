using System.CommandLine;
using System.Globalization;
using ElectronicLicense.Licenses.Presentation;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Cli.Qr;

/// <summary><c>elic qr verify</c>: checks a license QR payload offline against a saved trust list and, optionally, a status list.</summary>
internal static class QrCommand
{
    /// <summary>The command's name, also used by <see cref="CliApp"/> to pick its exit codes.</summary>
    public const string Name = "qr";

    private const int LabelWidth = 20;
    private const long MaxListBytes = 4 * 1024 * 1024;

    public static Command Create(CliContext context) => new(Name, "License QR codes (一码核验): offline verification of ELIC1: payloads") { CreateVerify(context) };

    private static Command CreateVerify(CliContext context)
    {
        var payload = new Argument<string?>("payload") { Description = "The QR content (ELIC1:…; quote it, it may hold spaces)", Arity = ArgumentArity.ZeroOrOne };
        var payloadFile = new Option<string>("--payload-file") { Description = "Read the QR content from this file instead", HelpName = "qr.txt" };
        var trustList = new Option<string>("--trust-list") { Description = "The saved GET /api/v1/trust-list response", HelpName = "trust.json", Required = true };
        var statusList = new Option<string>("--status-list") { Description = "The saved GET /api/v1/status-lists/{id} response for the payload's list", HelpName = "list.json" };
        var pin = new Option<string>("--trust-list-key") { Description = "Key id of the trust-list signer you trust (obtained out of band)", HelpName = "keyId" };
        var json = new Option<bool>("--json") { Description = "Write the report as JSON" };
        var verify = new Command("verify", "Verify a QR payload offline; exit 0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE, 64 unusable input")
        {
            payload, payloadFile, trustList, statusList, pin, json,
        };
        verify.SetAction(parsed => Verify(
            context,
            parsed.GetValue(payloadFile) is { } file ? ReadText(file, 4096, "payload") : parsed.GetValue(payload)
                ?? throw new CliException("give the QR content as an argument or with --payload-file."),
            parsed.GetValue(trustList)!, parsed.GetValue(statusList), parsed.GetValue(pin), parsed.GetValue(json)));
        return verify;
    }

    private static int Verify(CliContext context, string payload, string trustListPath, string? statusListPath, string? pinnedKeyId, bool json)
    {
        var text = payload.Trim();
        if (!TrustList.TryParse(ReadText(trustListPath, MaxListBytes, "trust list"), out var trustList))
        {
            throw new CliException($"'{trustListPath}' is not a registry trust list (GET /api/v1/trust-list).");
        }

        StatusList? statusList = null;
        if (statusListPath is not null && !StatusList.TryParse(ReadText(statusListPath, MaxListBytes, "status list"), out statusList))
        {
            throw new CliException($"'{statusListPath}' is not a registry status list (GET /api/v1/status-lists/{{id}}).");
        }

        var report = OfflinePayloadVerifier.Verify(text, trustList, statusList, context.Clock.GetUtcNow(), pinnedKeyId);
        if (json)
        {
            CliJson.Write(context.Output, new
            {
                verdict = Verdict(report.Verdict),
                checks = report.Checks.Select(c => new { name = c.Name, result = c.Result.ToString().ToLowerInvariant(), detail = c.Detail }),
                payload = report.Payload,
                currentStatus = report.CurrentStatus?.ToString().ToLowerInvariant(),
            });
        }
        else
        {
            var w = new ReportWriter(context);
            w.Field(string.Empty, "verdict", Verdict(report.Verdict), LabelWidth);
            if (report.Payload is { } fields)
            {
                w.Field(string.Empty, "证照标识", fields.LicenseId, LabelWidth);
                w.Field(string.Empty, "type / issuer", $"{fields.TypeCode} / {fields.IssuerCode}", LabelWidth);
                w.Field(string.Empty, "status when signed", fields.Status.ToString().ToLowerInvariant(), LabelWidth);
                w.Field(string.Empty, "status list", string.Create(CultureInfo.InvariantCulture, $"{fields.StatusListId} #{fields.StatusIndex}"), LabelWidth);
            }

            foreach (var check in report.Checks)
            {
                w.Field("  ", check.Name, $"{check.Result.ToString().ToLowerInvariant()}: {check.Detail}", LabelWidth);
            }
        }

        return report.Verdict switch
        {
            Indication.TotalPassed => ExitCodes.Success,
            Indication.Indeterminate => ExitCodes.Indeterminate,
            _ => ExitCodes.Failed,
        };
    }

    private static string Verdict(Indication indication) => indication switch
    {
        Indication.TotalPassed => "TOTAL-PASSED",
        Indication.Indeterminate => "INDETERMINATE",
        _ => "TOTAL-FAILED",
    };

    private static string ReadText(string path, long maxBytes, string what)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > maxBytes)
            {
                throw new CliException($"'{path}' is {length.ToString(CultureInfo.InvariantCulture)} bytes; a {what} file is at most {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
            }

            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}", e);
        }
    }
}
