using Pixelated.MigrationPipeline.Api.Endpoints;

namespace Pixelated.MigrationPipeline.Api.Audit;

/// <summary>Records every call of an audited endpoint with the status it ended with (202, 400, 404, 409, 413, 500...).</summary>
public sealed class AuditFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var action = http.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>()
                     ?? throw new InvalidOperationException("AuditFilter on an endpoint without AuditedAction metadata");
        object? result;
        try
        {
            result = await next(context);
        }
        catch (BadHttpRequestException e)
        {
            // The request itself was refused while being read (body over Kestrel's limit: 413, cut short: 400).
            await OperatorAudit.RecordAsync(http, action.Action, e.StatusCode);
            return BadRequestProblems.For(e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await OperatorAudit.RecordAsync(http, action.Action, StatusCodes.Status500InternalServerError);
            throw;
        }
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        await OperatorAudit.RecordAsync(http, action.Action, status);
        return result;
    }
}
