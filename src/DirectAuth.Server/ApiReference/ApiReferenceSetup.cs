using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace DirectAuth.Server.ApiReference;

/// <summary>
/// The API reference in the browser (Scalar) at <c>/api-reference</c>, over the OpenAPI documents the server always
/// serves: <c>/openapi/v1.json</c> (management API) and <c>/openapi/myaccount.json</c> (MyAccount API).
/// Off unless <c>ApiReference:Enabled</c> is true or the server runs in the Development environment or with
/// <c>--demo</c>. Everything it loads comes from the server (no CDN, no web fonts, no telemetry).
/// </summary>
public static class ApiReferenceSetup
{
    public const string Path = "/api-reference";
    public const string MyAccountDocument = "myaccount";

    public static IServiceCollection AddMyAccountOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(MyAccountDocument, options =>
        {
            options.ShouldInclude = d => d.RelativePath?.StartsWith("idp/myaccount", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "DirectAuth MyAccount API",
                    Version = "1.0.0",
                    Description = "Self-service for the signed-in user: factors, phones, recovery codes and password. "
                        + "Authorized by 'Authorization: Bearer {access token}' with okta.myAccount.* scopes from the org server "
                        + "(/oauth2/v1/token). Adding or removing an authenticator needs a recent sign-in (step-up). See docs/self-service.md.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                    Description = "An access token from the org authorization server with okta.myAccount.* scopes.",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
                return Task.CompletedTask;
            });
        });

    /// <summary>Whether the reference UI is served: the setting, else on in Development and with <c>--demo</c>.</summary>
    public static bool Enabled(IConfiguration configuration, IHostEnvironment environment, bool demo) =>
        configuration.GetValue<bool?>("ApiReference:Enabled") ?? (environment.IsDevelopment() || demo);

    public static void MapApiReference(this IEndpointRouteBuilder app) =>
        app.MapScalarApiReference(Path, options => options
            .WithTitle("DirectAuth API reference")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddDocument("v1", "Management API", isDefault: true)
            .AddDocument(MyAccountDocument, "MyAccount API")
            .AddApiKeyAuthentication("SSWS", scheme => scheme.Value = "SSWS ")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools()
            .WithDotNetFlag(false)
            .HideClientButton());
}
