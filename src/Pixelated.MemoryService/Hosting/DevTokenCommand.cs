using System.CommandLine;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Options;

namespace Pixelated.MemoryService.Hosting;

/// <summary>
/// <c>pixelated-memory token --sub ID --role ROLE [--minutes N]</c>: prints a development token signed with
/// <c>Memory:Auth:SigningKey</c> (from the environment, <c>Memory__Auth__SigningKey</c>), for curl and MCP clients.
/// </summary>
public static class DevTokenCommand
{
    public static int Run(string[] args)
    {
        var sub = new Option<string>("--sub") { Description = "The user id the token speaks for ('sub').", Required = true };
        var role = new Option<string>("--role") { Description = "patient, therapist, admin or support.", Required = true };
        var minutes = new Option<int?>("--minutes") { Description = "Lifetime (default Memory:Auth:DevTokenMinutes)." };
        var command = new RootCommand("Mints a development bearer token for the memory service.") { sub, role, minutes };
        command.SetAction(parse =>
        {
            var parsedRole = MemoryRoles.Parse(parse.GetValue(role));
            if (parsedRole is null)
            {
                Console.Error.WriteLine($"--role must be one of: {string.Join(", ", MemoryRoles.All)}.");
                return 2;
            }
            var configuration = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .Build();
            var options = configuration.GetSection(MemoryAuthOptions.Section).Get<MemoryAuthOptions>() ?? new MemoryAuthOptions();
            if (!options.UsesSigningKey || options.SigningKeyBytes.Length < MemoryAuthOptions.MinimumKeyBytes || string.IsNullOrEmpty(options.Audience))
            {
                Console.Error.WriteLine($"Set Memory__Auth__SigningKey (at least {MemoryAuthOptions.MinimumKeyBytes} bytes) and Memory__Auth__Audience first.");
                return 1;
            }
            var lifetime = parse.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null;
            Console.WriteLine(DevTokens.Mint(options, parse.GetValue(sub)!, parsedRole, lifetime));
            return 0;
        });
        return command.Parse(args).Invoke();
    }
}
