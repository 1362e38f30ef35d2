using GridMap.Cli.Commands;

return await CommandTree.Build().Parse(args).InvokeAsync();
