using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Seals.Tests.Ofd;

[Properties(Arbitrary = new[] { typeof(OfdPackageArbitraries) })]
public class OfdPackageTests
{
    [Theory]
    [InlineData("SESV4SignDoc.ofd", "Doc_0/Signs/Sign_0/Seal.esl")]
    [InlineData("allprotected.ofd", "Doc_0/Signs/Sign_0/Seal.esl")]
    [InlineData("DigitalSign.ofd", "Doc_0/Signs/Sign_0/SignedValue.dat")]
    public void Interop_files_open_and_list_their_files(string file, string signatureFile)
    {
        Assert.True(OfdPackage.TryOpen(File.ReadAllBytes(Zips.Interop(file)), OfdReadLimits.Default, out var package, out var error), error);

        Assert.Contains("OFD.xml", package.Names);
        Assert.Contains("Doc_0/Document.xml", package.Names);
        Assert.Contains("Doc_0/Pages/Page_0/Content.xml", package.Names);
        Assert.Contains(signatureFile, package.Names);
        Assert.DoesNotContain(package.Names, name => name.EndsWith('/'));
        Assert.All(package.Names.Where(n => n.EndsWith(".xml", StringComparison.Ordinal)), name => package.LoadXml(name));
        Assert.Equal("OFD", package.LoadXml("OFD.xml").Root!.Name.LocalName);
    }

    [Fact]
    public void Open_from_a_stream_equals_open_from_bytes()
    {
        var bytes = File.ReadAllBytes(Zips.Interop("SESV4SignDoc.ofd"));
        using var stream = new MemoryStream(bytes);

        Assert.True(OfdPackage.TryOpen(stream, OfdReadLimits.Default, out var fromStream, out _));
        Assert.True(OfdPackage.TryOpen(bytes, OfdReadLimits.Default, out var fromBytes, out _));
        Assert.Equal(fromBytes.Names, fromStream.Names);
    }

    [Theory]
    [InlineData("../evil.xml", "'..'")]
    [InlineData("Doc_0/../../evil.xml", "'..'")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("Doc_0\\Document.xml", "backslash")]
    [InlineData("C:/Windows/evil.xml", "drive letter")]
    [InlineData("Doc_0//Document.xml", "empty")]
    [InlineData("./OFD.xml", "'.'")]
    public void Unsafe_entry_names_are_refused(string name, string reason)
    {
        var zip = Zips.Create(("OFD.xml", "<a/>"), (name, "x"));

        Assert.False(OfdPackage.TryOpen(zip, OfdReadLimits.Default, out var package, out var error));
        Assert.Null(package);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OFD.xml", "twice")]
    [InlineData("ofd.XML", "case")]
    public void Duplicate_entries_are_refused(string second, string reason)
    {
        var zip = Zips.Create(("OFD.xml", "<a/>"), (second, "<b/>"));

        Assert.False(OfdPackage.TryOpen(zip, OfdReadLimits.Default, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_entries_are_refused_before_reading_them()
    {
        var zip = Zips.Create([.. Enumerable.Range(0, 2_001).Select(i => ($"f{i}.xml", "<a/>"))]);

        Assert.False(OfdPackage.TryOpen(zip, OfdReadLimits.Default, out _, out var error));
        Assert.Contains("2001 entries", error, StringComparison.Ordinal);
        Assert.False(OfdPackage.TryOpen(Zips.Create(("a", "1"), ("b", "2"), ("c", "3")), new OfdReadLimits { MaxEntries = 2 }, out _, out _));
    }

    [Fact]
    public void A_gigabyte_of_zeros_is_refused_quickly_without_inflating_it()
    {
        var bomb = Zips.ZeroBomb(1L << 30);
        Assert.InRange(bomb.Length, 1, 2 * 1024 * 1024);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var opened = OfdPackage.TryOpen(bomb, OfdReadLimits.Default, out _, out var error);
        clock.Stop();

        Assert.False(opened);
        Assert.Contains("Content.xml", error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, 0, 256L * 1024 * 1024);
    }

    [Fact]
    public void The_compression_ratio_is_measured_while_inflating()
    {
        var bomb = Zips.ZeroBomb(20L * 1024 * 1024);

        Assert.False(OfdPackage.TryOpen(bomb, OfdReadLimits.Default, out _, out var error));
        Assert.Contains("100 times", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_understates_the_size_is_refused()
    {
        var zip = Zips.Create(("OFD.xml", new string('a', 5000)));

        // Central directory header: uncompressed size at offset 24.
        var lying = Zips.PatchCentralDirectory(zip, header => BinaryPrimitives.WriteUInt32LittleEndian(header[24..], 10));

        Assert.False(OfdPackage.TryOpen(lying, OfdReadLimits.Default, out _, out var error));
        Assert.Contains("OFD.xml", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypted_entries_are_refused()
    {
        var zip = Zips.Create(("OFD.xml", "<a/>"));

        // Central directory header: general purpose flag bit 0 (encrypted) at offset 8.
        var encrypted = Zips.PatchCentralDirectory(zip, header => header[8] |= 1);

        Assert.False(OfdPackage.TryOpen(encrypted, OfdReadLimits.Default, out _, out var error));
        Assert.Contains("encrypted", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_on_entry_and_total_size_apply()
    {
        var zip = Zips.Create(("a.xml", new string('x', 3000)), ("b.xml", new string('y', 3000)));

        Assert.False(OfdPackage.TryOpen(zip, new OfdReadLimits { MaxEntryBytes = 2000 }, out _, out var perEntry));
        Assert.Contains("2000 bytes", perEntry, StringComparison.Ordinal);
        Assert.False(OfdPackage.TryOpen(zip, new OfdReadLimits { MaxTotalUncompressedBytes = 5000 }, out _, out var total));
        Assert.Contains("5000 bytes", total, StringComparison.Ordinal);
        Assert.False(OfdPackage.TryOpen(zip, new OfdReadLimits { MaxPackageBytes = 100 }, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a zip at all")]
    [InlineData("PK\u0003\u0004")]
    public void Non_zip_input_is_refused_with_a_reason(string text)
    {
        Assert.False(OfdPackage.TryOpen(Encoding.ASCII.GetBytes(text), OfdReadLimits.Default, out _, out var error));
        Assert.Contains("ZIP", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_real_file_is_refused_without_throwing()
    {
        var bytes = File.ReadAllBytes(Zips.Interop("DigitalSign.ofd"));

        for (var length = 0; length < bytes.Length; length += 7)
        {
            Assert.False(OfdPackage.TryOpen(bytes.AsMemory(0, length), OfdReadLimits.Default, out _, out var error));
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Property(MaxTest = 500)]
    public bool Random_bytes_and_damaged_files_never_throw(OfdPackageInput input)
    {
        var opened = OfdPackage.TryOpen(input.Bytes, OfdReadLimits.Default, out var package, out var error);
        if (opened)
        {
            foreach (var name in package!.Names)
            {
                package.TryLoadXml(name, out _, out _);
            }
        }

        return opened ^ error is not null;
    }

    [Theory]
    [InlineData("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>")]
    [InlineData("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>")]
    [InlineData("<a><b></a>")]
    [InlineData("")]
    public void Xml_with_a_DTD_or_malformed_is_refused(string xml)
    {
        var package = OfdPackage.Create([new("OFD.xml", Encoding.UTF8.GetBytes(xml))]);

        Assert.False(package.TryLoadXml("OFD.xml", out _, out var error));
        Assert.Contains("/OFD.xml", error, StringComparison.Ordinal);
        Assert.Throws<OfdFormatException>(() => package.LoadXml("OFD.xml"));
    }

    [Fact]
    public void Xml_longer_than_the_limit_is_refused()
    {
        var xml = "<a>" + new string('x', 5000) + "</a>";
        Assert.True(OfdPackage.TryOpen(Zips.Create(("OFD.xml", xml)), new OfdReadLimits { MaxXmlCharacters = 1000 }, out var package, out _));

        Assert.False(package.TryLoadXml("OFD.xml", out _, out _));
    }

    [Fact]
    public void Writing_is_deterministic_and_round_trips()
    {
        OfdPackage Make() => OfdPackage.Create([
            new("OFD.xml", "<a/>"u8.ToArray()),
            new("Doc_0/Document.xml", "<b/>"u8.ToArray()),
            new("Doc_0/Res/x.bin", new byte[] { 0, 1, 2, 3 }),
        ]);

        var first = Make().ToBytes();
        var second = Make().ToBytes();

        Assert.Equal(first, second);
        Assert.True(OfdPackage.TryOpen(first, OfdReadLimits.Default, out var reread, out var error), error);
        Assert.Equal(["OFD.xml", "Doc_0/Document.xml", "Doc_0/Res/x.bin"], reread.Names);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, reread.GetEntry("Doc_0/Res/x.bin").ToArray());
        Assert.Equal(first, reread.ToBytes());
    }

    [Fact]
    public void WithEntries_replaces_in_place_and_appends_new_files()
    {
        var package = OfdPackage.Create([new("OFD.xml", "<a/>"u8.ToArray()), new("Doc_0/Document.xml", "<b/>"u8.ToArray())]);

        var changed = package.WithEntries([
            new("OFD.xml", "<c/>"u8.ToArray()),
            new("Doc_0/Signs/Signatures.xml", "<s/>"u8.ToArray()),
        ]);

        Assert.Equal(["OFD.xml", "Doc_0/Document.xml", "Doc_0/Signs/Signatures.xml"], changed.Names);
        Assert.Equal("<c/>"u8.ToArray(), changed.GetEntry("OFD.xml").ToArray());
        Assert.Equal("<a/>"u8.ToArray(), package.GetEntry("OFD.xml").ToArray());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/x")]
    [InlineData("a\\b")]
    [InlineData("Doc_0/")]
    [InlineData("ofd.xml")]
    public void WithEntries_refuses_unsafe_or_colliding_names(string name)
    {
        var package = OfdPackage.Create([new("OFD.xml", "<a/>"u8.ToArray())]);

        Assert.Throws<ArgumentException>(() => package.WithEntry(name, new byte[1]));
    }

    [Theory]
    [InlineData("Doc_0/", "Document.xml", "Doc_0/Document.xml")]
    [InlineData("Doc_0/Signs/Sign_0/", "/Doc_0/Signs/Sign_0/Signature.xml", "Doc_0/Signs/Sign_0/Signature.xml")]
    [InlineData("Doc_0/Signs/Sign_0/", "SignedValue.dat", "Doc_0/Signs/Sign_0/SignedValue.dat")]
    [InlineData("", "Doc_0/Document.xml", "Doc_0/Document.xml")]
    [InlineData("Doc_0", "Res/a.ttf", "Doc_0/Res/a.ttf")]
    public void Paths_resolve_absolute_and_relative(string folder, string location, string expected)
    {
        Assert.True(OfdPath.TryResolve(folder, location, out var path));
        Assert.Equal(expected, path);
    }

    [Theory]
    [InlineData("Doc_0/", "../OFD.xml")]
    [InlineData("", "/../x")]
    [InlineData("", "")]
    [InlineData("", "a\\b")]
    public void Paths_that_leave_the_package_do_not_resolve(string folder, string location)
    {
        Assert.False(OfdPath.TryResolve(folder, location, out _));
        Assert.Throws<OfdFormatException>(() => OfdPath.Resolve(folder, location));
    }
}

/// <summary>Random bytes, a real OFD with two damaged bytes, or random bytes ending in a real end-of-central-directory record.</summary>
public sealed record OfdPackageInput(byte[] Bytes)
{
    public override string ToString() => $"OfdPackageInput {{ {Bytes.Length} bytes: {Convert.ToHexString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 64)))}… }}";
}

internal static class OfdPackageArbitraries
{
    public static Arbitrary<OfdPackageInput> OfdPackageInput()
    {
        var real = File.ReadAllBytes(Zips.Interop("SESV4SignDoc.ofd"));
        var damaged = Gen.Choose(0, real.Length - 1).Two().Select(p =>
        {
            var copy = (byte[])real.Clone();
            copy[p.Item1] ^= (byte)(p.Item2 | 1);
            return copy;
        });
        var random = ArbMap.Default.GeneratorFor<byte[]>();
        var withTrailer = random.Select(b => b.Concat(real.AsSpan(real.Length - 22).ToArray()).ToArray());
        return Gen.OneOf(damaged, random, withTrailer).Select(b => new OfdPackageInput(b)).ToArbitrary();
    }
}
