using System.CommandLine;
using ElectronicLicense.Licenses.Catalog;
using Spectre.Console;

namespace ElectronicLicense.Cli.Catalog;

/// <summary><c>elic catalog list</c>: the license types of a catalog folder.</summary>
internal static class CatalogCommand
{
    public static Command Create(CliContext context)
    {
        var schemas = new Option<string>("--schemas")
        {
            Description = "Folder of *.schema.json files (default: the catalog shipped with elic)",
            HelpName = "dir",
        };
        var json = new Option<bool>("--json") { Description = "Write the list as JSON" };

        var list = new Command("list", "List the license types of the catalog (证照目录)") { schemas, json };
        list.SetAction(parsed => List(context, parsed.GetValue(schemas) ?? new CatalogOptions().SchemaDirectory, parsed.GetValue(json)));

        return new Command("catalog", "The license catalog") { list };
    }

    private static int List(CliContext context, string directory, bool json)
    {
        LicenseCatalog catalog;
        try
        {
            catalog = LicenseCatalog.Load(directory);
        }
        catch (CatalogException e)
        {
            throw new CliException(e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the catalog in '{directory}': {e.Message}", e);
        }

        var rows = catalog.Types.Select(CatalogRow.From).ToArray();
        if (json)
        {
            CliJson.Write(context.Output, rows);
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("Code", "名称", "English", "Holder", "Sharing", "Signatures");
        foreach (var row in rows)
        {
            table.AddRow(
                new Text(row.Code),
                new Text(row.Name),
                new Text(row.EnglishName),
                new Text(row.HolderKind),
                new Text(row.SharingLevel),
                new Text(string.Join("\n", row.Signatures.Select(s => $"{s.Signer}: {s.Seal} ({s.Reason})"))));
        }

        context.Out.Write(table);
        context.Out.WriteLine($"{rows.Length} license types in {Path.GetFullPath(directory)}");
        return ExitCodes.Success;
    }
}

/// <summary>One license type as listed; names match the registry API's catalog resource.</summary>
internal sealed record CatalogRow(
    string Code,
    string Name,
    string EnglishName,
    string HolderKind,
    string SharingLevel,
    IReadOnlyList<CatalogSignature> Signatures)
{
    public static CatalogRow From(LicenseType type) => new(
        type.Code.Value,
        type.Name,
        type.EnglishName,
        type.HolderKind == Licenses.Catalog.HolderKind.NaturalPerson ? "natural-person" : "legal-entity",
        type.SharingLevel switch
        {
            Licenses.Catalog.SharingLevel.Unconditional => "无条件共享",
            Licenses.Catalog.SharingLevel.Conditional => "有条件共享",
            _ => "不予共享",
        },
        type.Signatures.Select(s => new CatalogSignature(
            s.Signer switch { SignerKind.Issuer => "issuer", SignerKind.IssuerParent => "issuer-parent", _ => s.Department!.Value },
            s.Seal,
            s.Reason)).ToArray());
}

/// <summary>One step of a type's signature policy.</summary>
internal sealed record CatalogSignature(string Signer, string Seal, string Reason);
