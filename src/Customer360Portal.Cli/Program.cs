using System.CommandLine;
using Customer360Portal.Cli;

// c360: what people run without the UI. Settings come from appsettings.json, environment variables
// (e.g. ProfileStore__Provider=SqlServer, ConnectionStrings__ProfileStore=...) and the options below.
var root = new RootCommand("Customer360 Portal command-line tool.");
foreach (var command in CliCommands.All())
    root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
