using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Licenses.Departments;

namespace ElectronicLicense.Api.Departments;

/// <summary>Departments known to the registry, and the caller's own identity.</summary>
internal static class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Departments");
        group.MapGet("/departments", async (DepartmentDirectory directory, CancellationToken cancellationToken) =>
            TypedResults.Ok((await directory.ListAsync(cancellationToken)).Select(ToResponse).ToArray()))
            .RequireAuthorization(Policies.Admin);
        group.MapGet("/me", (HttpContext context) =>
        {
            var caller = DepartmentTokenHandler.Caller(context);
            return TypedResults.Ok(new CallerResponse(ToResponse(caller.Department), DepartmentNames.Of(caller.Role)));
        }).RequireAuthorization(Policies.AnyDepartment);
        return app;
    }

    private static DepartmentResponse ToResponse(Department d) => new(
        d.Code.Value, d.Name, DepartmentNames.Of(d.Level), d.Parent?.Value, d.Roles.Order().Select(DepartmentNames.Of).ToArray());
}

internal sealed record DepartmentResponse(string Code, string Name, string Level, string? Parent, IReadOnlyList<string> Roles);

internal sealed record CallerResponse(DepartmentResponse Department, string Role);
