import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../auth/caller';
import { RequiresRole } from '../auth/route-access';

export class CallerResponse {
  @ApiProperty({ example: 'key_3f9a1c0b7d2e4a65', description: 'The key’s id (not secret)' })
  keyId!: string;

  @ApiProperty({ example: 'acme', description: 'The tenant everything this key creates belongs to' })
  tenant!: string;

  @ApiProperty({ enum: ['admin', 'member', 'reader'], description: 'What the key may do (docs/auth.md)' })
  role!: 'admin' | 'member' | 'reader';
}

/** Who the presented key is: the console shows only what its role allows. */
@ApiTags('auth')
@Controller('me')
export class CallerController {
  @Get()
  @RequiresRole('reader')
  @ApiOperation({
    operationId: 'getCaller',
    summary: 'The presented API key: its id, tenant and role (never the secret)',
  })
  @ApiOkResponse({ type: CallerResponse })
  me(@CurrentCaller() caller: Caller): CallerResponse {
    return { keyId: caller.keyId, tenant: caller.tenant, role: caller.role };
  }
}
