// The entry point of every function project, compiled into each one by
// functions/Directory.Build.props (not into the kit itself). `Function` is the project's
// handler, found through the global using of its root namespace, Functions.<project name>.
// It implements ILambdaFunction, usually through IHttpApiFunction<Function>.
return await Functions.LambdaKit.Runtime.LambdaRuntime.RunAsync<Function>();
