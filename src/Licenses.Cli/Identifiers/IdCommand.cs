using System.CommandLine;
using ElectronicLicense.Licenses.Identifiers;
using Spectre.Console;

namespace ElectronicLicense.Cli.Identifiers;

/// <summary><c>elic id check</c>: which identifier a value is and whether it is valid.</summary>
internal static class IdCommand
{
    public static Command Create(CliContext context)
    {
        var value = new Argument<string>("value")
        {
            Description = "A 公民身份号码, 统一社会信用代码, 证照类型代码 or 证照标识",
        };
        var json = new Option<bool>("--json") { Description = "Write the result as JSON" };

        var check = new Command("check", "Check an identifier; exit code 0 when valid, 1 when not") { value, json };
        check.SetAction(parsed => Check(context, parsed.GetValue(value)!, parsed.GetValue(json)));

        return new Command("id", "Identifiers (公民身份号码, 统一社会信用代码, 证照类型代码, 证照标识)") { check };
    }

    private static int Check(CliContext context, string value, bool json)
    {
        var inspection = IdentifierInspector.Inspect(value);
        var valid = inspection.IsValid && inspection.Kind != IdentifierKind.Unknown;
        if (json)
        {
            CliJson.Write(context.Output, new IdCheckResult(
                KindName(inspection.Kind), valid, inspection.Canonical, inspection.Reason, inspection.Details));
        }
        else
        {
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow(new Text("kind"), new Text($"{KindName(inspection.Kind)} ({KindLabel(inspection.Kind)})"));
            grid.AddRow(new Text("canonical"), new Text(inspection.Canonical));
            grid.AddRow(new Text("result"), valid ? new Text("valid", new Style(Color.Green)) : new Text("invalid", new Style(Color.Red)));
            if (inspection.Reason is not null)
            {
                grid.AddRow(new Text("reason"), new Text(inspection.Reason));
            }

            foreach (var (key, detail) in inspection.Details)
            {
                grid.AddRow(new Text(key), new Text(detail));
            }

            context.Out.Write(grid);
        }

        return valid ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static string KindName(IdentifierKind kind) => kind switch
    {
        IdentifierKind.CitizenId => "citizen-id",
        IdentifierKind.UnifiedSocialCreditCode => "uscc",
        IdentifierKind.LicenseTypeCode => "license-type-code",
        IdentifierKind.LicenseId => "license-id",
        _ => "unknown",
    };

    private static string KindLabel(IdentifierKind kind) => kind switch
    {
        IdentifierKind.CitizenId => "公民身份号码",
        IdentifierKind.UnifiedSocialCreditCode => "统一社会信用代码",
        IdentifierKind.LicenseTypeCode => "证照类型代码",
        IdentifierKind.LicenseId => "证照标识",
        _ => "not a known identifier",
    };
}

/// <summary>The JSON form of <c>elic id check</c>.</summary>
internal sealed record IdCheckResult(string Kind, bool Valid, string Canonical, string? Reason, IReadOnlyDictionary<string, string> Details);
