/** The AWS APIs the functions call besides DynamoDB, signed and sent with the AWS SDK's core parts. */
package dev.dolly.functions.aws;
