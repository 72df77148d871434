using System.Security.Cryptography;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>A pushed body read, checked and authorised before any write: the submission and its stored data, or why it was refused.</summary>
internal sealed record PreparedSubmission(LicenseSubmission? Submission, string? DataJson, string? ContentSha256, RegistryException? Error)
{
    /// <summary>The line of a batch it came from; 0 for a single push.</summary>
    public int Line { get; init; }
}

/// <summary>The first step of 归集, without the database: parse and validate a body, check the pusher may issue it, build the stored data.</summary>
internal sealed class SubmissionPreparation(SubmissionParser parser)
{
    /// <summary>The <c>license.ingest</c> event of one pushed license, rejected ones included; <c>license.issue</c> comes with its documents.</summary>
    public static AuditEntry IngestEntry(DepartmentIdentity caller, PreparedSubmission item, IngestResult result)
    {
        var submission = item.Submission;
        var outcome = result.Error is null ? AuditOutcome.Success : result.Error.Code == RegistryErrorCodes.NotAuthorised ? AuditOutcome.Denied : AuditOutcome.Failed;
        return caller.Entry(AuditActions.Ingest, outcome) with
        {
            HolderCode = submission?.HolderCode,
            LicenseId = result.LicenseId?.Value,
            TypeCode = submission?.Type.Code.Value,
            Detail = result.Error is { } error ? "rejected " + error.Code : Outcome(result.Outcome),
        };
    }

    private static string Outcome(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Created => "created",
        IngestOutcome.NewVersion => "new-version",
        _ => "unchanged",
    };

    public PreparedSubmission Prepare(DepartmentIdentity caller, string json)
    {
        try
        {
            var body = SubmissionParser.ReadJson(json);
            var submission = parser.Parse(body);
            Authorize(caller, submission, body);
            submission.IssuerCode = caller.Code;
            var data = LicenseData.Build(submission, caller.Department.Name);
            var documentSha256 = submission.Document is { } document ? Convert.ToHexStringLower(SHA256.HashData(document.Content)) : null;
            return new PreparedSubmission(submission, LicenseData.Serialize(data), LicenseData.ContentHash(data, documentSha256), null);
        }
        catch (RegistryException e)
        {
            return new PreparedSubmission(null, null, null, e);
        }
    }

    private static void Authorize(DepartmentIdentity caller, LicenseSubmission submission, Newtonsoft.Json.Linq.JObject body)
    {
        var claimed = (string?)body[MetadataNames.IssuerCode];
        if (claimed is not null && !string.Equals(claimed, caller.Code.Value, StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised,
                "颁发机构代码 names another department: a department may push only the licenses it issues.",
                [new FieldError("/" + MetadataNames.IssuerCode, "must be the pushing department's own 统一社会信用代码")]);
        }

        if (caller.Role != DepartmentRole.Issuer || !submission.Type.IsIssuer(caller.Code))
        {
            var pointer = "/" + (claimed is null ? MetadataNames.TypeCode : MetadataNames.IssuerCode);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised,
                $"The department is not an authorised issuer of {submission.Type.Name} ({submission.Type.Code}).",
                [new FieldError(pointer, $"the catalog does not list this department among the issuers of {submission.Type.Code}")]);
        }
    }
}
