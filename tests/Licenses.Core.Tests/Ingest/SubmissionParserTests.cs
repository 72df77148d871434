using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Lifecycle;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Ingest;

public class SubmissionParserTests
{
    private const string IdentityCard = "resident-identity-card-1.json";
    private const string BusinessLicense = "business-license-1.json";

    [Fact]
    public void A_valid_body_becomes_a_submission_with_canonical_values()
    {
        var body = Submissions.Sample(BusinessLicense);
        body[MetadataNames.HolderCode] = "91500103maqjwylf5x";

        var submission = Submissions.Parse(body);

        Assert.Equal("营业执照", submission.Type.Name);
        Assert.Equal("500103000202104160012", submission.Number);
        Assert.Equal("91500103MAQJWYLF5X", submission.HolderCode);
        Assert.Equal(MetadataNames.UsccType, submission.HolderCodeType);
        Assert.Equal(new DateOnly(2021, 4, 16), submission.IssueDate);
        Assert.Null(submission.ValidUntil);
        Assert.Equal("郑光辉", (string?)submission.Face["法定代表人"]);
    }

    [Fact]
    public void Duplicate_keys_are_malformed_json()
    {
        var error = Assert.Throws<RegistryException>(() =>
            SubmissionParser.ReadJson("""{"证照编号": "1", "照面": {"性别": "女", "性别": "男"}}"""));

        Assert.Equal(RegistryErrorCodes.MalformedJson, error.Code);
        Assert.Contains("a property name is repeated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"证照编号": "1"}]""")]
    [InlineData("""{"证照编号": "1"} {"证照编号": "2"}""")]
    [InlineData("""{"证照编号": "1",}x""")]
    [InlineData("")]
    [InlineData("null")]
    public void Anything_but_one_json_object_is_malformed_json(string text)
    {
        var error = Assert.Throws<RegistryException>(() => SubmissionParser.ReadJson(text));

        Assert.Equal(RegistryErrorCodes.MalformedJson, error.Code);
        Assert.Empty(error.Errors);
    }

    [Fact]
    public void Deeply_nested_json_is_malformed_json()
    {
        var text = """{"照面": """ + string.Concat(Enumerable.Repeat("""{"a": """, 40)) + "1" + new string('}', 41);

        var error = Assert.Throws<RegistryException>(() => SubmissionParser.ReadJson(text));

        Assert.Equal(RegistryErrorCodes.MalformedJson, error.Code);
        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_errors_do_not_quote_the_body()
    {
        var error = Assert.Throws<RegistryException>(() =>
            SubmissionParser.ReadJson("""{"持证主体": "冉晓燕" "持证主体代码": "500103199003150420"}"""));

        Assert.Equal(RegistryErrorCodes.MalformedJson, error.Code);
        Assert.DoesNotContain("冉晓燕", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("500103199003150420", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_stay_strings_so_that_date_checks_see_what_was_sent()
    {
        var body = SubmissionParser.ReadJson("""{"颁发日期": "2024-05-01T00:00:00Z", "照面": {"出生日期": "1990-03-15"}}""");

        Assert.Equal(JTokenType.String, body["颁发日期"]!.Type);
        Assert.Equal(JTokenType.String, body["照面"]!["出生日期"]!.Type);
    }

    [Theory]
    [InlineData("颁发机构", "/颁发机构")]
    [InlineData("证照标识", "/证照标识")]
    [InlineData("性别", "/性别")]
    [InlineData("a/b~c", "/a~1b~0c")]
    public void An_unknown_top_level_field_is_reported_at_its_pointer(string name, string pointer)
    {
        var body = Submissions.Sample(IdentityCard);
        body[name] = "x";

        var error = Submissions.Refusal(body);

        Assert.Equal(RegistryErrorCodes.ValidationFailed, error.Code);
        var field = Assert.Single(error.Errors);
        Assert.Equal(pointer, field.Pointer);
        Assert.Contains("is not a field of a license body", field.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_defect_of_a_body_is_reported_at_once()
    {
        var body = Submissions.Sample(IdentityCard);
        body.Remove(MetadataNames.Number);
        body[MetadataNames.IssueDate] = "2024-13-01";
        body["备注"] = "x";
        body[MetadataNames.Face]!["性别"] = "未知";
        ((JObject)body[MetadataNames.Face]!).Remove("住址");

        var error = Submissions.Refusal(body);

        Assert.Equal(
            ["/备注", "/照面/住址", "/照面/性别", "/证照编号", "/颁发日期"],
            error.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal));
        Assert.Equal("5 fields are invalid.", error.Message);
    }

    [Fact]
    public void An_empty_body_lists_every_required_field()
    {
        var error = Submissions.Refusal("{}");

        Assert.Equal(
            ["/持证主体", "/持证主体代码", "/持证主体代码类型", "/有效期起始日期", "/照面", "/证照类型代码", "/证照编号", "/颁发日期"],
            error.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Error_messages_never_contain_the_holder_code_or_name()
    {
        var body = Submissions.Sample(IdentityCard);
        var holderName = (string)body[MetadataNames.Holder]!;
        var holderCode = (string)body[MetadataNames.HolderCode]!;
        var address = (string)body[MetadataNames.Face]!["住址"]!;
        var badCode = holderCode[..17] + (holderCode[17] == '0' ? '1' : '0');
        body[MetadataNames.HolderCode] = badCode;
        body[MetadataNames.Face]!["性别"] = holderName;
        body[MetadataNames.Face]!["民族"] = holderName;
        body[MetadataNames.Face]!["出生日期"] = badCode;
        body[MetadataNames.Face]!["住址"] = address + new string('号', 200);
        body[MetadataNames.Number] = holderName + " " + badCode;

        var error = Submissions.Refusal(body);

        Assert.Contains(error.Errors, e => e.Pointer == "/持证主体代码");
        Assert.Equal(6, error.Errors.Count);
        var texts = error.Errors.SelectMany(e => new[] { e.Message, e.Pointer }).Append(error.Message).ToList();
        foreach (var secret in new[] { holderName, holderCode, badCode, holderCode[..17], address })
        {
            Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("\"长期\"")]
    [InlineData("null")]
    [InlineData(null)]
    public void A_permanent_type_accepts_long_term_or_no_end_date(string? validUntil)
    {
        var body = Submissions.Sample(BusinessLicense);
        body.Remove(MetadataNames.ValidUntil);
        if (validUntil is not null)
        {
            body[MetadataNames.ValidUntil] = JToken.Parse(validUntil);
        }

        Assert.Null(Submissions.Parse(body).ValidUntil);
    }

    [Fact]
    public void A_permanent_type_refuses_an_end_date()
    {
        var body = Submissions.Sample(BusinessLicense);
        body[MetadataNames.ValidUntil] = "2041-04-16";

        var error = Assert.Single(Submissions.Refusal(body).Errors);

        Assert.Equal(new FieldError("/有效期截止日期", "must be \"长期\" or absent: 营业执照 is valid without end"), error);
    }

    [Theory]
    [InlineData("\"长期\"")]
    [InlineData("null")]
    [InlineData(null)]
    public void A_dated_type_refuses_long_term(string? validUntil)
    {
        var body = Submissions.Sample(IdentityCard);
        body.Remove(MetadataNames.ValidUntil);
        if (validUntil is not null)
        {
            body[MetadataNames.ValidUntil] = JToken.Parse(validUntil);
        }

        var error = Assert.Single(Submissions.Refusal(body).Errors);

        Assert.Equal(new FieldError("/有效期截止日期", "is required: 居民身份证 is valid for at most 20 years"), error);
    }

    [Theory]
    [InlineData("2044-05-01", true)]
    [InlineData("2044-05-02", false)]
    [InlineData("2024-05-01", true)]
    [InlineData("2024-04-30", false)]
    public void A_dated_type_accepts_an_end_date_from_the_start_up_to_its_maximum_years(string validUntil, bool accepted)
    {
        var body = Submissions.Sample(IdentityCard);
        body[MetadataNames.ValidUntil] = validUntil;

        if (accepted)
        {
            Assert.Equal(DateOnly.Parse(validUntil, System.Globalization.CultureInfo.InvariantCulture), Submissions.Parse(body).ValidUntil);
        }
        else
        {
            Assert.Equal("/有效期截止日期", Assert.Single(Submissions.Refusal(body).Errors).Pointer);
        }
    }

    [Theory]
    [InlineData("2026-01-01T16:00:00Z", "2026-01-02", true)]
    [InlineData("2026-01-01T15:59:59Z", "2026-01-02", false)]
    [InlineData("2026-01-01T17:00:00Z", "2026-01-02", true)]
    [InlineData("2026-01-01T17:00:00Z", "2026-01-03", false)]
    [InlineData("2026-01-02T15:59:59Z", "2026-01-02", true)]
    [InlineData("2026-01-02T15:59:59Z", "2026-01-03", false)]
    [InlineData("2026-01-02T16:00:00Z", "2026-01-03", true)]
    public void The_issue_date_may_be_today_in_China_but_not_later(string utcNow, string issueDate, bool accepted)
    {
        var now = DateTimeOffset.Parse(utcNow, System.Globalization.CultureInfo.InvariantCulture);
        var body = Submissions.Sample(BusinessLicense);
        body[MetadataNames.IssueDate] = issueDate;
        body[MetadataNames.ValidFrom] = issueDate;

        if (accepted)
        {
            Assert.Equal(DateOnly.Parse(issueDate, System.Globalization.CultureInfo.InvariantCulture), Submissions.Parse(body, now).IssueDate);
        }
        else
        {
            var error = Assert.Single(Submissions.Refusal(body, now).Errors);
            Assert.Equal(new FieldError("/颁发日期", "must not be in the future"), error);
        }
    }

    [Fact]
    public void The_issue_date_check_uses_the_injected_clock_not_the_machine_clock()
    {
        var body = Submissions.Sample(BusinessLicense);

        var error = Assert.Single(Submissions.Refusal(body, new DateTimeOffset(2021, 4, 15, 0, 0, 0, TimeSpan.Zero)).Errors);

        Assert.Equal("/颁发日期", error.Pointer);
    }

    [Fact]
    public void The_holder_code_type_must_match_the_type_holder_kind()
    {
        var body = Submissions.Sample(IdentityCard);
        body[MetadataNames.HolderCodeType] = MetadataNames.UsccType;

        var errors = Submissions.Refusal(body).Errors;

        Assert.Contains(errors, e => e.Pointer == "/持证主体代码类型" && e.Message.StartsWith("must be 公民身份号码", StringComparison.Ordinal));
    }

    [Fact]
    public void A_type_code_outside_the_catalog_is_reported_without_validating_the_face()
    {
        var body = Submissions.Sample(IdentityCard);
        body[MetadataNames.TypeCode] = "11100000000013338W999";
        body[MetadataNames.Face] = new JObject { ["任意"] = 1 };

        var error = Assert.Single(Submissions.Refusal(body).Errors);

        Assert.Equal("/证照类型代码", error.Pointer);
    }

    [Theory]
    [InlineData("pdf", "JVBERi0xLjcK", true)]
    [InlineData("ofd", "UEsDBAo=", true)]
    [InlineData("pdf", "UEsDBAo=", false)]
    [InlineData("docx", "UEsDBAo=", false)]
    [InlineData("pdf", "not base64!", false)]
    public void A_source_document_must_be_what_its_format_says(string format, string content, bool accepted)
    {
        var body = Submissions.Sample(IdentityCard);
        body[MetadataNames.SourceDocument] = new JObject { ["格式"] = format, ["内容"] = content };

        if (accepted)
        {
            Assert.Equal(format, Submissions.Parse(body).Document!.Format.Name());
        }
        else
        {
            Assert.StartsWith("/原始文件/", Assert.Single(Submissions.Refusal(body).Errors).Pointer, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"原因": "  更正住址  "}""", "更正住址")]
    [InlineData("null", null)]
    public void A_change_carries_its_trimmed_reason(string change, string? reason)
    {
        var body = Submissions.Sample(IdentityCard);
        body[MetadataNames.Change] = JToken.Parse(change);

        Assert.Equal(reason, Submissions.Parse(body).ChangeReason);
    }

    [Theory]
    [InlineData("""{"原因": ""}""")]
    [InlineData("""{"原因": "x", "其他": "y"}""")]
    [InlineData("\"更正\"")]
    public void A_change_without_a_proper_reason_is_refused(string change)
    {
        var body = Submissions.Sample(IdentityCard);
        body[MetadataNames.Change] = JToken.Parse(change);

        Assert.Equal("/变更", Assert.Single(Submissions.Refusal(body).Errors).Pointer);
    }
}
