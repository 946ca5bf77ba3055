/**
 * The one reader of dolly.yaml, used by the host agent, the functions and infra: {@link dev.dolly.config.Schema}
 * (every key, its kind, who reads it), {@link dev.dolly.config.ConfigReader} (parse, check, type as
 * {@link dev.dolly.config.DollyFile}), {@link dev.dolly.config.Durations} and {@link dev.dolly.config.Sizes}.
 */
package dev.dolly.config;
