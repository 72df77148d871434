using ElectronicLicense.Licenses.Lifecycle;

namespace ElectronicLicense.Licenses.Tests.Lifecycle;

public class LicenseDocumentsTests
{
    [Fact]
    public void Names_are_the_stored_lower_case_text()
    {
        Assert.Equal(["ofd", "pdf"], Enum.GetValues<DocumentFormat>().Select(f => f.Name()));
        Assert.Equal(["issued", "pushed"], Enum.GetValues<DocumentOrigin>().Select(o => o.Name()));
    }

    [Fact]
    public void Parse_reads_back_every_name()
    {
        Assert.All(Enum.GetValues<DocumentFormat>(), f => Assert.Equal(f, DocumentNames.ParseFormat(f.Name())));
        Assert.All(Enum.GetValues<DocumentOrigin>(), o => Assert.Equal(o, DocumentNames.ParseOrigin(o.Name())));
    }

    [Theory]
    [InlineData("OFD")]
    [InlineData("Pdf")]
    [InlineData("docx")]
    [InlineData("")]
    [InlineData(" ofd")]
    public void Only_the_exact_names_parse(string name)
    {
        Assert.False(DocumentNames.TryParseFormat(name, out _));
        Assert.Throws<FormatException>(() => DocumentNames.ParseFormat(name));
        Assert.Throws<FormatException>(() => DocumentNames.ParseOrigin(name));
    }
}
