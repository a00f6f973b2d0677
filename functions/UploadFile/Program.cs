using Functions.LambdaKit.Http;
using Functions.LambdaKit.Runtime;
using Functions.UploadFile;

return await LambdaRuntime.RunAsync(logger => new HttpApiFunction(new Function(), logger, TimeProvider.System));
