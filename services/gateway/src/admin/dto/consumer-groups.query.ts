import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ConsumerGroupsQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      'Also list the throwaway `<group>.control.<uuid>` groups each stage process reads jobs.control with',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  all?: 'true' | 'false';
}
