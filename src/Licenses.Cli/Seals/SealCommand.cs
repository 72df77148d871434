using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using ElectronicLicense.Cli.Certificates;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using Spectre.Console;

namespace ElectronicLicense.Cli.Seals;

/// <summary><c>elic seal show</c> and <c>elic seal make</c>: read and make GB/T 38540 electronic seals (.esl).</summary>
internal static class SealCommand
{
    /// <summary>The command's name, also used by <see cref="CliApp"/> to pick its exit codes.</summary>
    public const string Name = "seal";

    /// <summary>Where Debian's fonts-lxgw-wenkai puts the font the seal picture is drawn with by default.</summary>
    public const string DefaultFontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";

    private const int LabelWidth = 15;

    public static Command Create(CliContext context) =>
        new(Name, "Electronic seals (电子印章, GB/T 38540 / GM/T 0031)") { CreateShow(context), CreateMake(context) };

    private static Command CreateShow(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The seal (.esl, DER SESeal of version 4 or 1)" };
        var picture = new Option<string>("--picture") { Description = "Also write the seal picture to this file", HelpName = "out.png" };
        var json = new Option<bool>("--json") { Description = "Write the seal's content as JSON" };
        var show = new Command("show", "Show a seal's content and check its maker signature; exit 0 when it verifies, 1 when not, 64 when unreadable")
        {
            file, picture, json,
        };
        show.SetAction(parsed => Show(context, parsed.GetValue(file)!, parsed.GetValue(picture), parsed.GetValue(json)));
        return show;
    }

    private static int Show(CliContext context, string path, string? picturePath, bool json)
    {
        // SesSeal.TryDecode refuses anything over its own limit (8 MiB); reading stops at 16 MiB before that.
        var bytes = ReadInput(path, 16 * 1024 * 1024, "seal");
        if (!SesSeal.TryDecode(bytes, out var seal, out var error))
        {
            throw new CliException($"'{path}' is not a readable e-seal: {error}");
        }

        var view = SealView.From(seal);
        if (picturePath is not null)
        {
            WriteOutput(picturePath, seal.PictureData.Span);
            if (!string.Equals(seal.PictureType, "png", StringComparison.OrdinalIgnoreCase))
            {
                context.WriteNote($"the picture is of type '{seal.PictureType}', not png; written as is to '{picturePath}'.");
            }
        }

        if (json)
        {
            CliJson.Write(context.Output, view);
        }
        else
        {
            WriteSeal(new ReportWriter(context), view);
        }

        return view.MakerSignatureValid ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static void WriteSeal(ReportWriter w, SealView seal)
    {
        w.Field(string.Empty, "version", seal.Version == 4 ? "4 (GB/T 38540-2020)" : "1 (GM/T 0031-2014)", LabelWidth);
        w.Field(string.Empty, "header", $"version {seal.HeaderVersion}, vendor {seal.VendorId}", LabelWidth);
        w.Field(string.Empty, "esID", seal.EsId, LabelWidth);
        w.Field(string.Empty, "name", seal.Name, LabelWidth);
        w.Field(string.Empty, "type", seal.TypeName is null ? Invariant(seal.Type) : $"{seal.Type} ({seal.TypeName})", LabelWidth);
        w.Field(string.Empty, "created", Time(seal.CreateDate), LabelWidth);
        w.Field(string.Empty, "valid", $"{Time(seal.ValidStart)} to {Time(seal.ValidEnd)}", LabelWidth);
        if (seal.CertListType == SesCertListType.Certificates)
        {
            w.Field(string.Empty, "certListType", $"1 (certificates): {seal.Certificates.Count} signer certificate{Plural(seal.Certificates.Count)}", LabelWidth);
            foreach (var certificate in seal.Certificates)
            {
                w.Field(string.Empty, "  signer", certificate.Describe(), LabelWidth);
            }
        }
        else
        {
            var types = string.Join(", ", seal.CertDigests.Select(d => d.Type).Distinct(StringComparer.Ordinal));
            w.Field(string.Empty, "certListType", $"{seal.CertListType} (digests): {seal.CertDigests.Count} digest{Plural(seal.CertDigests.Count)}{(types.Length > 0 ? $" ({types})" : string.Empty)}", LabelWidth);
        }

        w.Field(string.Empty, "picture", $"{seal.Picture.Type}, {seal.Picture.WidthMm} × {seal.Picture.HeightMm} mm, {Invariant(seal.Picture.Bytes)} bytes", LabelWidth);
        w.Field(string.Empty, "maker", seal.Maker.Subject, LabelWidth);
        w.Field(string.Empty, "maker issuer", seal.Maker.Issuer ?? string.Empty, LabelWidth);
        w.Field(string.Empty, "maker valid", $"{seal.Maker.NotBefore:yyyy-MM-dd HH:mm:ss} to {seal.Maker.NotAfter:yyyy-MM-dd HH:mm:ss} UTC", LabelWidth);
        w.Field(string.Empty, "algorithm", seal.SignatureAlgorithm, LabelWidth);
        w.Field(string.Empty, "maker signature",
            seal.MakerSignatureValid ? "✓ verifies (cryptography only; trust in the maker is not checked here)" : "✗ does not verify: the seal was altered or not made by this maker",
            LabelWidth,
            new Style(seal.MakerSignatureValid ? Color.Green : Color.Red));
    }

    private static Command CreateMake(CliContext context)
    {
        var maker = new Option<string>("--maker") { Description = "The seal maker's (制章) SM2 key and certificate, PKCS#12", HelpName = "maker.p12", Required = true };
        var passwordEnv = new Option<string>("--password-env")
        {
            Description = "Name of the environment variable holding the maker key's password (never given on the command line)",
            HelpName = "VAR",
            Required = true,
        };
        var signerCerts = new Option<string[]>("--signer-cert")
        {
            Description = "Certificate (PEM or DER) of a department signer allowed to use the seal; may be repeated",
            HelpName = "dept.pem",
            Required = true,
        };
        var name = new Option<string>("--name") { Description = "印章名称, e.g. 重庆市民政局电子证照专用章", Required = true };
        var esId = new Option<string>("--es-id") { Description = "印章编码 (printable ASCII, 1–64 characters)", HelpName = "id", Required = true };
        var organisation = new Option<string>("--organisation")
        {
            Description = "单位名称 drawn along the seal's upper arc (required unless --picture is given)",
        };
        var kind = new Option<string>("--kind")
        {
            Description = "Text drawn below the star",
            DefaultValueFactory = _ => "电子证照专用章",
        };
        var picture = new Option<string>("--picture") { Description = "Use this PNG as the seal picture instead of drawing one", HelpName = "png" };
        var size = new Option<int>("--size-mm") { Description = "The picture's width and height in millimetres", DefaultValueFactory = _ => 42 };
        var font = new Option<string>("--font")
        {
            Description = "TrueType font with the Chinese characters to draw",
            HelpName = "ttf",
            DefaultValueFactory = _ => DefaultFontPath,
        };
        var validYears = new Option<int>("--valid-years") { Description = "Validity from now, in years", DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--out") { Description = "Where to write the seal (DER)", HelpName = "file.esl", Required = true };

        // Accepted only to refuse it without echoing the value, which a parse error ("unrecognized argument 's3cret'") would do.
        var password = new Option<string>("--password") { Hidden = true };

        var make = new Command("make", "Make a GB/T 38540 (v4) seal signed by the seal maker")
        {
            maker, passwordEnv, signerCerts, name, esId, organisation, kind, picture, size, font, validYears, output, password,
        };
        make.SetAction(parsed => parsed.GetResult(password) is not null
            ? throw new CliException("a password is never taken on the command line (it would be kept in shell history and the process list); put it in an environment variable and name that with --password-env.")
            : Make(context, new MakeRequest(
            parsed.GetValue(maker)!,
            parsed.GetValue(passwordEnv)!,
            parsed.GetValue(signerCerts) ?? [],
            parsed.GetValue(name)!,
            parsed.GetValue(esId)!,
            parsed.GetValue(organisation),
            parsed.GetValue(kind) ?? string.Empty,
            parsed.GetValue(picture),
            parsed.GetValue(size),
            parsed.GetValue(font)!,
            parsed.GetValue(validYears),
            parsed.GetValue(output)!)));
        return make;
    }

    private static int Make(CliContext context, MakeRequest request)
    {
        if (request.ValidYears is < 1 or > 50)
        {
            throw new CliException($"--valid-years must be 1–50, got {request.ValidYears}.");
        }

        if (request.SizeMm is < 10 or > 100)
        {
            throw new CliException($"--size-mm must be 10–100, got {request.SizeMm}.");
        }

        if (request.PicturePath is null && string.IsNullOrWhiteSpace(request.Organisation))
        {
            throw new CliException("--organisation is required to draw the seal picture (or give one with --picture).");
        }

        // The password comes from the environment so it never shows in shell history or the process list.
        var password = context.GetEnvironmentVariable(request.PasswordVariable)
            ?? throw new CliException("the environment variable named by --password-env is not set."); // not echoed: it could be a mistyped password
        var makerKey = LoadMakerKey(request.MakerPath, password);

        // GB/T 38540 SESeal.signAlgID: the maker signs with SM2-with-SM3.
        if (makerKey.Algorithm != SignatureAlgorithm.Sm2WithSm3)
        {
            throw new CliException($"the maker key in '{request.MakerPath}' is {makerKey.Algorithm}; GB/T 38540 seals are signed with an SM2 key.");
        }

        var signers = request.SignerCertPaths.SelectMany(CertificateFiles.LoadFile).ToList();
        var png = request.PicturePath is null ? DrawPicture(request) : ReadPicture(request.PicturePath);
        var now = context.Clock.GetUtcNow();
        SesSeal seal;
        try
        {
            seal = SesSeal.Create(new SesSealDescription
            {
                EsId = request.EsId,
                Name = request.Name,
                SignerCertificates = signers,
                CreateDate = now,
                ValidStart = now,
                ValidEnd = now.AddYears(request.ValidYears),
                PicturePng = png,
                PictureWidthMm = request.SizeMm,
                PictureHeightMm = request.SizeMm,
            }, makerKey);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"cannot make the seal: {e.Message}", e);
        }

        if (makerKey.Certificate.NotAfter.ToUniversalTime() < seal.ValidEnd.UtcDateTime)
        {
            context.WriteNote($"the maker certificate expires on {makerKey.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}, before the seal's end of validity.");
        }

        WriteOutput(request.OutputPath, seal.Encoded.Span);
        var w = new ReportWriter(context);
        w.Line($"wrote {request.OutputPath} ({Invariant(seal.Encoded.Length)} bytes)");
        w.Field(string.Empty, "esID", seal.EsId, LabelWidth);
        w.Field(string.Empty, "name", seal.Name, LabelWidth);
        w.Field(string.Empty, "valid", $"{Time(seal.ValidStart)} to {Time(seal.ValidEnd)}", LabelWidth);
        w.Field(string.Empty, "signers", string.Join("; ", signers.Select(s => s.Subject)), LabelWidth);
        w.Field(string.Empty, "maker", makerKey.Certificate.Subject, LabelWidth);
        return ExitCodes.Success;
    }

    private static SigningKey LoadMakerKey(string path, string password)
    {
        var bytes = ReadInput(path, 1024 * 1024, "maker key");
        try
        {
            return SigningKey.FromPkcs12(bytes, password);
        }
        catch (CryptographicException)
        {
            // Never the library's detail or the password: only which file and the two likely causes.
            throw new CliException($"cannot open the maker key '{path}': wrong password or not a PKCS#12 file.");
        }
        catch (ArgumentException)
        {
            throw new CliException($"the maker key in '{path}' is of an unsupported kind; GB/T 38540 seals are signed with an SM2 key.");
        }
    }

    private static byte[] DrawPicture(MakeRequest request)
    {
        if (!File.Exists(request.FontPath))
        {
            throw new CliException($"the font '{request.FontPath}' does not exist; give one with --font (a TrueType font with Chinese characters, e.g. Debian's fonts-lxgw-wenkai).");
        }

        try
        {
            return SealPicture.RenderOfficialSeal(request.Organisation!, request.Kind, request.FontPath, request.SizeMm);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"cannot draw the seal picture: {e.Message}", e);
        }
    }

    private static byte[] ReadPicture(string path)
    {
        var png = ReadInput(path, SesSealDescription.MaxPictureBytes, "picture");
        if (!SealPicture.TryReadPng(png, out _, out _, out var error))
        {
            throw new CliException($"'{path}' is not a usable PNG: {error}");
        }

        return png;
    }

    private static byte[] ReadInput(string path, long maxBytes, string what)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > maxBytes)
            {
                throw new CliException($"'{path}' is {Invariant(length)} bytes; a {what} file is at most {Invariant(maxBytes)} bytes.");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}", e);
        }
    }

    private static void WriteOutput(string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
            stream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"cannot write '{path}': {e.Message}", e);
        }
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Plural(int count) => count == 1 ? string.Empty : "s";

    private sealed record MakeRequest(
        string MakerPath,
        string PasswordVariable,
        string[] SignerCertPaths,
        string Name,
        string EsId,
        string? Organisation,
        string Kind,
        string? PicturePath,
        int SizeMm,
        string FontPath,
        int ValidYears,
        string OutputPath);
}
