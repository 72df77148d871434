using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Tests.Catalog;
using ElectronicLicense.Licenses.Tests.Ingest;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Samples;

/// <summary>Keeps samples/ in step with schemas/ and the validation rules, so the samples never rot.</summary>
public class SampleFileTests
{
    private static readonly Lazy<JObject> Expected = new(() => CatalogFiles.ReadJson(RepositoryFiles.Sample("bad", "expected.json")));

    public static TheoryData<string> ValidSamples() => new(ValidSampleFiles());

    public static TheoryData<string> RejectedSamples(int status) =>
        new(Expected.Value.Properties().Where(p => (int)p.Value["status"]! == status).Select(p => p.Name));

    [Fact]
    public void There_are_valid_samples_of_at_least_ten_types()
    {
        var types = ValidSampleFiles().Select(file => (string)Submissions.Sample(file)["证照类型代码"]!).Distinct(StringComparer.Ordinal);

        Assert.True(types.Count() >= 10);
    }

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Every_sample_license_is_a_valid_body(string file)
    {
        var text = File.ReadAllText(RepositoryFiles.Sample("licenses", file));

        var submission = Submissions.Parser().Parse(SubmissionParser.ReadJson(text));

        Assert.Equal((string?)JObject.Parse(text)["证照类型代码"], submission.Type.Code.Value);
    }

    private static IEnumerable<string> ValidSampleFiles() =>
        Directory.GetFiles(RepositoryFiles.Sample("licenses"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void Every_rejected_sample_is_listed_in_expected_json_and_every_entry_has_a_file()
    {
        var files = Directory.GetFiles(RepositoryFiles.Sample("bad"), "*.json")
            .Select(f => Path.GetFileName(f))
            .Where(name => name != "expected.json")
            .Order(StringComparer.Ordinal);

        Assert.Equal(files, Expected.Value.Properties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RejectedSamples), 422)]
    public void Every_invalid_sample_is_refused_at_its_expected_pointer(string file)
    {
        var text = File.ReadAllText(RepositoryFiles.Sample("bad", file));

        var error = Submissions.Refusal(text);

        Assert.Equal(RegistryErrorCodes.ValidationFailed, error.Code);
        Assert.Equal((string)Expected.Value[file]!["pointer"]!, Assert.Single(error.Errors).Pointer);
    }

    [Theory]
    [MemberData(nameof(RejectedSamples), 400)]
    public void The_unparseable_sample_is_malformed_json(string file)
    {
        var text = File.ReadAllText(RepositoryFiles.Sample("bad", file));

        var error = Assert.Throws<RegistryException>(() => SubmissionParser.ReadJson(text));

        Assert.Equal(RegistryErrorCodes.MalformedJson, error.Code);
    }

    [Theory]
    [MemberData(nameof(RejectedSamples), 403)]
    public void The_samples_refused_for_authorisation_are_otherwise_valid(string file)
    {
        var text = File.ReadAllText(RepositoryFiles.Sample("bad", file));

        Submissions.Parser().Parse(SubmissionParser.ReadJson(text));
    }

    [Fact]
    public void The_import_file_has_27_valid_lines_and_three_bad_ones_at_the_documented_pointers()
    {
        var expectedBad = new Dictionary<int, string> { [7] = "/持证主体代码", [15] = "/照面/住所", [23] = "/颁发日期" };
        var parser = Submissions.Parser();
        var lines = File.ReadAllLines(RepositoryFiles.Sample("import.ndjson"));

        Assert.Equal(30, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var body = SubmissionParser.ReadJson(lines[i]);
            if (expectedBad.TryGetValue(number, out var pointer))
            {
                var error = Assert.Throws<RegistryException>(() => parser.Parse(body));
                Assert.Equal(pointer, Assert.Single(error.Errors).Pointer);
            }
            else
            {
                Assert.Equal(number % 4 == 0 ? "食品经营许可证" : "营业执照", parser.Parse(body).Type.Name);
            }
        }
    }
}
